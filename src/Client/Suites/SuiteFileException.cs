namespace SENet.Client.Suites;

/// <summary>A suite file that cannot work: every problem found, each naming its line and entry and how to fix it.</summary>
public sealed class SuiteFileException(string file, IReadOnlyList<string> problems)
    : FormatException($"suite {file} cannot work ({problems.Count} problem{(problems.Count == 1 ? "" : "s")}); nothing was evaluated:{Environment.NewLine}  {string.Join($"{Environment.NewLine}  ", problems)}")
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
