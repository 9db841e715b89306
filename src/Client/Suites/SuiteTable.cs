using System.Globalization;
using System.Text;
using SENet.Evaluation.Metrics;

namespace SENet.Client.Suites;

/// <summary>
/// A suite's results: models (× views, when the jobs score several) as rows, datasets as columns (in the suite's order), one report per cell. Figures are
/// rounded as results.csv rounds them (timm: 4 decimals), so a cell reads exactly as that dataset's own results.csv.
/// A model that was not evaluated on a dataset (a refused or failed job) has an empty cell, never a zero.
/// </summary>
public sealed class SuiteTable(string name, IEnumerable<string> datasets)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private readonly List<SuiteRow> _rows = [];
    private readonly Dictionary<(SuiteRow Row, string Dataset), EvaluationReport> _cells = [];

    public string Name { get; } = name;

    public IReadOnlyList<string> Datasets { get; } = datasets.ToList();

    /// <summary>The models, each once, in the order their first report came.</summary>
    public IReadOnlyList<string> Models => [.. _rows.Select(r => r.Model).Distinct(StringComparer.Ordinal)];

    /// <summary>The rows in the order their first report came: a model, or a model × view when a job scored several views.</summary>
    public IReadOnlyList<SuiteRow> Rows => _rows;

    /// <summary>Whether some row is a model × view (a job scored several views): the table then has a view column.</summary>
    public bool HasViews => _rows.Any(r => r.View is not null);

    public EvaluationReport? this[string model, string dataset] => this[new SuiteRow(model, null), dataset];

    public EvaluationReport? this[SuiteRow row, string dataset] => _cells.GetValueOrDefault((row, dataset));

    /// <summary>
    /// Adds a model's report on a dataset; the row is the model's name unless <paramref name="model"/> names it, and
    /// the model × <paramref name="view"/> when the dataset's job scored several views.
    /// </summary>
    public void Add(string dataset, EvaluationReport report, string? model = null, string? view = null)
    {
        if (!Datasets.Contains(dataset, StringComparer.Ordinal))
        {
            throw new ArgumentException($"'{dataset}' is not a dataset of suite '{Name}' ({string.Join(", ", Datasets)}).", nameof(dataset));
        }

        var row = new SuiteRow(model ?? report.Model, view);
        if (!_rows.Contains(row))
        {
            _rows.Add(row);
        }

        if (!_cells.TryAdd((row, dataset), report))
        {
            throw new ArgumentException($"Suite '{Name}' already has model '{row}' on dataset '{dataset}'.", nameof(report));
        }
    }

    /// <summary>Whether a dataset's column carries ImageNet-ReaL figures (some cell of it was scored with label sets).</summary>
    public bool HasReal(string dataset) => _rows.Any(r => this[r, dataset]?.Labels?.Real is not null);

    /// <summary>model (and view, when a row is a model × view), then per dataset: top1, top5, real_top1 and real_top5 where ReaL labels were given, and the job's state.</summary>
    public IReadOnlyList<string> CsvColumns() =>
    [
        "model",
        .. HasViews ? (string[])["view"] : [],
        .. Datasets.SelectMany(d => (string[])[$"{d}_top1", $"{d}_top5", .. HasReal(d) ? (string[])[$"{d}_real_top1", $"{d}_real_top5"] : [], $"{d}_state"]),
    ];

    /// <summary>CSV (RFC 4180), one row per model (× view); a cell with no report is empty.</summary>
    public string ToCsv()
    {
        var csv = new StringBuilder(string.Join(',', CsvColumns().Select(Csv.Escape))).Append('\n');
        foreach (var row in _rows)
        {
            var cells = new List<string> { row.Model };
            if (HasViews)
            {
                cells.Add(row.View ?? "");
            }

            foreach (var dataset in Datasets)
            {
                var report = this[row, dataset];
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
        var markdown = new StringBuilder(HasViews ? "| model | view | " : "| model | ").Append(string.Join(" | ", Datasets.Select(Escape))).Append(HasViews ? " |\n|---|---|" : " |\n|---|")
            .Append(string.Concat(Datasets.Select(_ => "---|"))).Append('\n');
        foreach (var row in _rows)
        {
            markdown.Append("| ").Append(Escape(row.Model)).Append(" | ").Append(HasViews ? $"{Escape(row.View ?? "")} | " : "")
                .Append(string.Join(" | ", Datasets.Select(d => Escape(Cell(this[row, d]))))).Append(" |\n");
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

    /// <summary>Per dataset, the label conventions its reports record (class folders, subset and mode, label sets, and the view unless the rows name it).</summary>
    public IEnumerable<(string Dataset, string Conventions)> Conventions()
    {
        foreach (var dataset in Datasets)
        {
            var (row, report) = _rows.Select(r => (r, this[r, dataset])).FirstOrDefault(c => c.Item2 is not null);
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

            if (row.View is null && report.View != "center")
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
