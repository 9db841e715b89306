namespace SENet.Client.Suites;

/// <summary>
/// One dataset of a suite: its name (the column of the suite table and the folder of its outputs), where it is in the
/// suite file, and its dataset options as the evaluate option of the same name takes them (paths already resolved
/// against the suite file's folder).
/// </summary>
public sealed record SuiteEntry(int Index, int Line, string Name, SuiteLayout Layout, IReadOnlyList<KeyValuePair<string, string>> Options)
{
    /// <summary>"suite.json line 7, dataset 2 'imagenet-a'": where a problem with this entry is.</summary>
    public string Where(string file) => $"{file} line {Line}, dataset {Index + 1} '{Name}'";

    public string? this[string key] => Options.FirstOrDefault(o => o.Key == key).Value;

    /// <summary>The entry as command-line tokens (--data DIR --real-labels FILE …), parsed by the same options as a single run's.</summary>
    public IEnumerable<string> Tokens() => Options.SelectMany(o => new[] { $"--{o.Key}", o.Value });
}
