namespace SENet.Contracts.Jobs;

/// <summary>The evaluations a spec asks for: every model (<see cref="JobSpec.Models"/>, or <see cref="JobSpec.ModelPath"/> alone) × every view.</summary>
public static class JobEvaluations
{
    /// <summary>The models of <paramref name="spec"/>: <see cref="JobSpec.Models"/>, or the one at <see cref="JobSpec.ModelPath"/> named by its file.</summary>
    public static IReadOnlyList<JobModel> ModelsOf(JobSpec spec) =>
        spec.Models is { Count: > 0 } models ? models : [new JobModel(NameOf(spec.ModelPath), spec.ModelPath)];

    /// <summary>The views of <paramref name="spec"/>: <see cref="JobSpec.Views"/>, or <see cref="JobSpec.View"/> alone.</summary>
    public static IReadOnlyList<Evaluation.Imaging.ViewSpec> ViewsOf(JobSpec spec) =>
        spec.Views is { Count: > 0 } views ? views : [spec.View];

    /// <summary>Every model × view, models first then each model's views, each with its output folder.</summary>
    public static IReadOnlyList<JobEvaluation> Of(JobSpec spec)
    {
        var models = ModelsOf(spec);
        var views = ViewsOf(spec);
        var single = models.Count == 1 && views.Count == 1;
        var evaluations = new List<JobEvaluation>(models.Count * views.Count);
        foreach (var model in models)
        {
            foreach (var view in views)
            {
                var folder = single ? "" : views.Count == 1 ? model.Name : $"{model.Name}/{view.ToString().Replace('/', '+')}";
                evaluations.Add(new JobEvaluation(evaluations.Count, model.Name, model.Path, view, folder));
            }
        }

        return evaluations;
    }

    /// <summary>A model's default name: its file name without extension, the query string (a SAS) left off.</summary>
    public static string NameOf(string modelPath)
    {
        var path = modelPath.Split('?', 2)[0].TrimEnd('/');
        var slash = path.LastIndexOfAny(['/', '\\']);
        return System.IO.Path.GetFileNameWithoutExtension(slash >= 0 ? path[(slash + 1)..] : path);
    }
}
