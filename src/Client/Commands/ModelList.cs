using SENet.Evaluation.Models;
using SENet.Contracts.Jobs;

namespace SENet.Client.Commands;

/// <summary>The models of an <c>evaluate</c> or <c>submit</c>: each <c>--model</c>, then each line of a <c>--models</c> file (PATH or NAME=PATH).</summary>
public static class ModelList
{
    /// <summary>
    /// The job's models, each named (its models-file NAME, else its file name without extension) and located as every
    /// silo must see it. Two of one name (ignoring case: OUT/&lt;name&gt;/ on a case-insensitive disk) are refused before any work.
    /// </summary>
    public static IReadOnlyList<JobModel> ToJobModels(IReadOnlyList<(string? Name, string Path)> models)
    {
        var named = models.Select(m => new JobModel(m.Name ?? JobEvaluations.NameOf(m.Path), EvaluationOptions.Location(m.Path))).ToList();
        if (ModelSetRules.DuplicateNameProblem(named.Select(m => m.Name)) is { } duplicate)
        {
            throw new ArgumentException(duplicate);
        }

        return named;
    }

    public static IReadOnlyList<(string? Name, string Path)> From(IReadOnlyList<string> models, string? modelsFile)
    {
        var list = models.Select(m => ((string?)null, m)).ToList();
        if (modelsFile is not null)
        {
            if (!File.Exists(modelsFile))
            {
                throw new FileNotFoundException($"Models file '{Path.GetFullPath(modelsFile)}' does not exist. Pass --models with a file of one model a line (PATH or NAME=PATH).");
            }

            var folder = Path.GetDirectoryName(Path.GetFullPath(modelsFile))!;
            var number = 0;
            foreach (var raw in File.ReadAllLines(modelsFile))
            {
                number++;
                var line = raw.Split('#')[0].Trim();
                if (line.Length == 0)
                {
                    continue;
                }

                var equals = line.IndexOf('=');
                var (name, path) = equals > 0 ? (line[..equals].Trim(), line[(equals + 1)..].Trim()) : ((string?)null, line);
                if (path.Length == 0 || name is { Length: 0 })
                {
                    throw new FormatException($"Models file '{modelsFile}', line {number}: '{raw}' is not PATH or NAME=PATH.");
                }

                if (name is not null && (name.IndexOfAny(['/', '\\']) >= 0 || name is "." or ".."))
                {
                    throw new FormatException($"Models file '{modelsFile}', line {number}: the name '{name}' names the output folder OUT/{name}/: use no '/' or '\\'.");
                }

                // Relative paths are the file's own, as a manifest's entries are, wherever the command runs.
                list.Add((name, Evaluation.Storage.StorageLocation.LooksLikeBlob(path) || Path.IsPathRooted(path) ? path : Path.Combine(folder, path)));
            }
        }

        return list.Count > 0
            ? list
            : throw new ArgumentException("No model to evaluate: pass --model PATH (repeatable) or --models FILE.");
    }
}
