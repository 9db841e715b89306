namespace SENet.Evaluation.Models;

/// <summary>What several models scored in one pass must share, in the words every route (the CLI, the engine, the coordinator) refuses them with.</summary>
public static class ModelSetRules
{
    /// <summary>Why the names cannot all be used (two equal ignoring case: OUT/&lt;name&gt;/ on a case-insensitive disk); null when they can.</summary>
    public static string? DuplicateNameProblem(IEnumerable<string> names) =>
        names.GroupBy(n => n, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } twice
            ? $"Two models are named '{twice.Key}': their outputs would share OUT/{twice.Key}/. Give each its own name (NAME=PATH in a models file, or distinct file names)."
            : null;

    /// <summary>Why a model whose class count differs from the first model's cannot join its job.</summary>
    public static string ClassCountMismatch(string name, string fileName, int classes, string firstName, int firstClasses) =>
        $"Model {name} ({fileName}) outputs {classes} classes but {firstName} outputs {firstClasses}: the models of one job must score the same classes. Evaluate it in a job of its own.";
}
