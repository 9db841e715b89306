using SENet.Evaluation.Imaging;

namespace SENet.Contracts.Jobs;

/// <summary>
/// One model × view a job counts and reports on its own. <paramref name="Folder"/> is where its outputs go under the
/// job's output folder: "" for a job of one evaluation (outputs as ever), "&lt;model&gt;" for several models and one view,
/// "&lt;model&gt;/&lt;view&gt;" (the view's '/' written '+') for several views.
/// </summary>
/// <param name="Index">Its place in <see cref="JobEvaluations.Of"/>: models first, then each model's views, in the order given.</param>
public sealed record JobEvaluation(int Index, string Model, string ModelPath, ViewSpec View, string Folder);
