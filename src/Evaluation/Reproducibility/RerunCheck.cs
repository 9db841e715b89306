using SENet.Evaluation.Metrics;

namespace SENet.Evaluation.Reproducibility;

/// <summary>Whether a rerun reproduced a report: every count identical, and what changed in the inputs or the way they ran.</summary>
public static class RerunCheck
{
    /// <param name="Differences">Counts that differ, each naming both values; empty when the rerun is identical.</param>
    /// <param name="Changes">Inputs or conditions the records show changed (model bytes, image list, labels, decoders, runtime, build).</param>
    public sealed record Outcome(IReadOnlyList<string> Differences, IReadOnlyList<string> Changes)
    {
        public bool Identical => Differences.Count == 0;
    }

    public static Outcome Compare(EvaluationReport original, EvaluationReport rerun)
    {
        var differences = new List<string>();
        void Count(string what, long before, long now)
        {
            if (before != now)
            {
                differences.Add($"{what}: {before:N0} in the report, {now:N0} in the rerun");
            }
        }

        Count("images scored", original.Images, rerun.Images);
        Count("failed images", original.Failed, rerun.Failed);
        Count("top-1 correct", original.Top1Correct, rerun.Top1Correct);
        Count("top-5 correct", original.Top5Correct, rerun.Top5Correct);
        var classes = rerun.PerClass.ToDictionary(c => c.ClassIndex);
        var classDifferences = original.PerClass
            .Where(c => !classes.TryGetValue(c.ClassIndex, out var r) || (r.Images, r.Top1Correct, r.Top5Correct) != (c.Images, c.Top1Correct, c.Top5Correct))
            .ToList();
        if (classDifferences.Count > 0 || original.PerClass.Count != rerun.PerClass.Count)
        {
            differences.Add($"per-class counts differ in {classDifferences.Count:N0} of {original.PerClass.Count:N0} classes" +
                (classDifferences.Count > 0 ? $" (first: class {classDifferences[0].ClassIndex} {classDifferences[0].Name})" : $" ({original.PerClass.Count} classes against {rerun.PerClass.Count})"));
        }

        var changes = new List<string>();
        if (original.Reproducibility is { } before && rerun.Reproducibility is { } now)
        {
            void Changed(string what, string? a, string? b)
            {
                if (!string.Equals(a, b, StringComparison.Ordinal))
                {
                    changes.Add($"{what}: {a ?? "not recorded"} in the report, {b ?? "not recorded"} in the rerun");
                }
            }

            Changed("model sha256", before.ModelSha256, now.ModelSha256);
            Changed("image list sha256 (names and labels)", before.ManifestSha256, now.ManifestSha256);
            Changed("labels sha256", before.LabelsSha256, now.LabelsSha256);
            Changed("decoding", Decoding(before), Decoding(now));
            Changed("ONNX Runtime", before.OnnxRuntimeVersion, now.OnnxRuntimeVersion);
            Changed("execution providers", string.Join("; ", before.ExecutionProviders), string.Join("; ", now.ExecutionProviders));
            Changed("batch size", before.BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture), now.BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Changed("build", $"{before.ProjectVersion}+{before.Commit}", $"{now.ProjectVersion}+{now.Commit}");
        }
        else
        {
            changes.Add("the report has no reproducibility record (written before records existed): only the counts are compared");
        }

        return new Outcome(differences, changes);
    }

    private static string Decoding(ReproducibilityRecord record) =>
        $"{(record.PilExact ? "PIL-exact" : "not PIL-exact")} ({string.Join(", ", record.Decoders.Select(d => $"{d.Format} by {d.Decoder}"))})";
}
