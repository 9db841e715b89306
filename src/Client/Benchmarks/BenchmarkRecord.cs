using System.Text.Json;
using System.Text.Json.Nodes;

namespace SENet.Client.Benchmarks;

/// <summary>
/// What <c>senet bench --json FILE</c> writes: every row of the printed table, and the headline figures as numbers
/// under stable names, so that scripts (tools/gpu/run) read them without parsing the table.
/// </summary>
public sealed class BenchmarkRecord
{
    private readonly JsonArray _rows = [];
    private readonly JsonObject _figures = [];

    public void AddRow(string measure, string figure, string detail) =>
        _rows.Add(new JsonObject { ["measure"] = measure, ["figure"] = figure, ["detail"] = detail });

    /// <summary>A headline number; non-finite values are written as null, which JSON can hold and a reader can test.</summary>
    public void Set(string name, double value) => _figures[name] = double.IsFinite(value) ? value : null;

    public void Set(string name, string value) => _figures[name] = value;

    public async Task WriteAsync(string path, CancellationToken cancellationToken)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        var document = new JsonObject { ["figures"] = _figures.DeepClone(), ["rows"] = _rows.DeepClone() };
        await File.WriteAllTextAsync(path, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), cancellationToken);
    }
}
