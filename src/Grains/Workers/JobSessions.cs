using SENet.Contracts.Jobs;
using SENet.Evaluation.Models;
using SENet.Grains.Devices;

namespace SENet.Grains.Workers;

/// <summary>
/// The sessions a job holds on one device while a shard runs: one per model (the silo's pool keeps one per model file,
/// device and batch), and for each of the job's evaluations the session of its model. Disposing hands them back to the pool.
/// </summary>
internal sealed class JobSessions(IReadOnlyList<JobEvaluation> evaluations, IReadOnlyList<JobModel> models, IReadOnlyList<SessionUse> uses) : IDisposable
{
    public IReadOnlyList<JobEvaluation> Evaluations { get; } = evaluations;

    /// <summary>Whether the job counts more than one model × view: then each writes under its own folder and the results carry each.</summary>
    public bool Several => Evaluations.Count > 1;

    /// <summary>The session of evaluation <paramref name="index"/>'s model.</summary>
    public ClassifierSession SessionOf(int index)
    {
        var model = Evaluations[index].Model;
        for (var m = 0; m < models.Count; m++)
        {
            if (models[m].Name == model)
            {
                return uses[m].Session;
            }
        }

        throw new InvalidOperationException($"Evaluation {index} names model {model}, which the job does not list.");
    }

    public ClassifierSession First => uses[0].Session;

    public void Dispose()
    {
        foreach (var use in uses)
        {
            use.Dispose();
        }
    }
}
