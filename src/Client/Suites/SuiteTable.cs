using System.Globalization;
using System.Text;
using SENet.Evaluation.Metrics;

namespace SENet.Client.Suites;

/// <summary>
/// A suite's results: models as rows, datasets as columns (in the suite's order), one report per cell. Figures are
/// rounded as results.csv rounds them (timm: 4 decimals), so a cell reads exactly as that dataset's own results.csv.
/// A model that was not evaluated on a dataset (a refused or failed job) has an empty cell, never a zero.
/// </summary>
public sealed class SuiteTable(string name, IEnumerable<string> datasets)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private readonly List<string> _models = [];
    private readonly Dictionary<(string Model, string Dataset), EvaluationReport> _cells = [];

    public string Name { get; } = name;

    public IReadOnlyList<string> Datasets { get; } = datasets.ToList();

    public IReadOnlyList<string> Models => _models;

    public EvaluationReport? this[string model, string dataset] => _cells.GetValueOrDefault((model, dataset));

    /// <summary>Adds a model's report on a dataset; the row is the model's name unless <paramref name="model"/> names it.</summary>
    public void Add(string dataset, EvaluationReport report, string? model = null)
    {
        if (!Datasets.Contains(dataset, StringComparer.Ordinal))
        {
            throw new ArgumentException($"'{dataset}' is not a dataset of suite '{Name}' ({string.Join(", ", Datasets)}).", nameof(dataset));
        }

        var row = model ?? report.Model;
        if (!_models.Contains(row, StringComparer.Ordinal))
        {
            _models.Add(row);
        }

        if (!_cells.TryAdd((row, dataset), report))
        {
            throw new ArgumentException($"Suite '{Name}' already has model '{row}' on dataset '{dataset}'.", nameof(report));
        }
    }

    /// <summary>Whether a dataset's column carries ImageNet-ReaL figures (some cell of it was scored with label sets).</summary>
    public bool HasReal(string dataset) => _models.Any(m => this[m, dataset]?.Labels?.Real is not null);

    /// <summary>model, then per dataset: top1, top5, real_top1 and real_top5 where ReaL labels were given, and the job's state.</summary>
    public IReadOnlyList<string> CsvColumns() =>
    [
        "model",
        .. Datasets.SelectMany(d => (string[])[$"{d}_top1", $"{d}_top5", .. HasReal(d) ? (string[])[$"{d}_real_top1", $"{d}_real_top5"] : [], $"{d}_state"]),
    ];

    /// <summary>CSV (RFC 4180), one row per model; a cell with no report is empty.</summary>
    public string ToCsv()
    {
        var csv = new StringBuilder(string.Join(',', CsvColumns().Select(Csv.Escape))).Append('\n');
        foreach (var model in _models)
        {
            var cells = new List<string> { model };
            foreach (var dataset in Datasets)
            {
                var report = this[model, dataset];
                var scored = report is { Images: > 0 };
                cells.Add(scored ? Round(report!.Top1) : "");
                cells.Add(scored ? Round(report!.Top5) : "");
                if (HasReal(dataset))
                {
                    var real = report?.Labels?.Real;
                    cells.Add(real is { Images: > 0 } ? Round(real.Top1) : "");
                    cells.Add(real is { Images: > 0 } ? Round(real.Top5) : "");
                }

                cells.Add(report?.StateSummary() ?? "");
            }

            csv.Append(string.Join(',', cells.Select(Csv.Escape))).Append('\n');
        }

        return csv.ToString();
    }

    /// <summary>A Markdown table as the console shows it (top-1 / top-5 per cell), then each dataset's label conventions.</summary>
    public string ToMarkdown()
    {
        var markdown = new StringBuilder("| model | ").Append(string.Join(" | ", Datasets.Select(Escape))).Append(" |\n|---|")
            .Append(string.Concat(Datasets.Select(_ => "---|"))).Append('\n');
        foreach (var model in _models)
        {
            markdown.Append("| ").Append(Escape(model)).Append(" | ").Append(string.Join(" | ", Datasets.Select(d => Escape(Cell(this[model, d]))))).Append(" |\n");
        }

        markdown.Append("\nCells: top-1 / top-5 accuracy (%)").Append(Datasets.Any(HasReal) ? ", then ImageNet-ReaL's" : "").Append(".\n");
        foreach (var (dataset, conventions) in Conventions())
        {
            markdown.Append("\n- ").Append(Escape(dataset)).Append(": ").Append(Escape(conventions));
        }

        return markdown.Append(Conventions().Any() ? "\n" : "").ToString();
    }

    /// <summary>A cell as people read it: "76.1300 / 92.8620", ReaL's figures after, and how much of the dataset a partial job covered.</summary>
    public static string Cell(EvaluationReport? report)
    {
        if (report is null)
        {
            return "not evaluated";
        }

        if (report.Images == 0)
        {
            return $"no image scored ({report.StateSummary()})";
        }

        var cell = $"{Round(report.Top1)} / {Round(report.Top5)}";
        if (report.Labels?.Real is { Images: > 0 } real)
        {
            cell += $"; ReaL {Round(real.Top1)} / {Round(real.Top5)}";
        }

        var state = report.StateSummary();
        return state == "completed" ? cell : $"{cell} ({state})";
    }

    /// <summary>Per dataset, the label conventions its reports record (class folders, subset and mode, label sets, view).</summary>
    public IEnumerable<(string Dataset, string Conventions)> Conventions()
    {
        foreach (var dataset in Datasets)
        {
            var report = _models.Select(m => this[m, dataset]).FirstOrDefault(r => r is not null);
            if (report is null)
            {
                continue;
            }

            var parts = new List<string>();
            if (report.Labels?.ClassFolders is { } folders)
            {
                parts.Add(folders);
            }

            if (report.Labels?.ClassSubset is { } subset)
            {
                parts.Add($"class subset of {subset.Classes} ({subset.Mode})");
            }

            if (report.Labels?.Real is not null)
            {
                parts.Add("ImageNet-ReaL label sets");
            }

            if (report.View != "center")
            {
                parts.Add($"view {report.View}");
            }

            if (parts.Count > 0)
            {
                yield return (dataset, string.Join("; ", parts));
            }
        }
    }

    private static string Round(double value) => Math.Round(value, 4).ToString(Invariant);

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
