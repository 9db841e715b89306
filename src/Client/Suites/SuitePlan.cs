using System.CommandLine;
using System.CommandLine.Parsing;
using SENet.Contracts.Jobs;
using SENet.Evaluation.Storage;

namespace SENet.Client.Suites;

/// <summary>
/// A suite made into jobs before any work: each entry's spec is what <c>senet evaluate</c> (or <c>submit</c>) would build
/// for the same command line with the entry's options in place of <c>--suite</c> (parsed by the very same options, so an
/// entry's value is checked by the same rules and a suite's cell is a single run's figure). Every problem of every entry
/// is gathered into one <see cref="SuiteFileException"/>.
/// </summary>
public sealed record SuitePlan(SuiteFile Suite, string SuiteId, string Output, IReadOnlyList<SuiteJob> Jobs)
{
    /// <summary>The member job of <paramref name="suiteId"/> for one dataset.</summary>
    public static string MemberJobId(string suiteId, string dataset) => $"{suiteId}.{dataset}";

    /// <summary>A new suite id (the suite's jobs are SUITE.DATASET).</summary>
    public static string NewSuiteId() => $"suite-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}";

    /// <param name="parse">The command line as given, with --suite.</param>
    /// <param name="toSpec">The verb's own spec from a parse (the same as a single run's).</param>
    /// <param name="perDataset">Options an entry sets: given on the command line with --suite, they are refused (a file or folder is one dataset's).</param>
    /// <param name="checkLocalFiles">Check that local paths exist here (evaluate); a cluster's paths are as its silos see them.</param>
    public static SuitePlan Create(ParseResult parse, SuiteFile suite, string suiteId, string? output, Func<ParseResult, JobSpec> toSpec, IEnumerable<Option> perDataset, bool checkLocalFiles)
    {
        var problems = new List<string>();
        foreach (var option in perDataset.Where(o => parse.GetResult(o) is { Implicit: false }))
        {
            problems.Add($"{option.Name} is one dataset's and cannot go with --suite: set \"{option.Name.TrimStart('-')}\" in the suite's entries instead.");
        }

        if (output is null)
        {
            problems.Add("--suite needs --out: the folder (or blob prefix) that will hold suite.csv, suite.md and one folder per dataset.");
        }

        if (checkLocalFiles)
        {
            problems.AddRange(suite.LocalProblems());
        }

        var jobs = new List<SuiteJob>();
        var root = parse.RootCommandResult.Command;
        foreach (var entry in suite.Entries)
        {
            var entryParse = root.Parse([.. BaseTokens(parse, entry), .. entry.Tokens()]);
            if (entryParse.Errors.Count > 0)
            {
                problems.AddRange(entryParse.Errors.Select(e => $"{entry.Where(suite.Display)}: {e.Message}"));
                continue;
            }

            try
            {
                var spec = toSpec(entryParse);
                spec = spec with
                {
                    OutputFolder = output is null ? null : Child(output, entry.Name),
                    Name = $"{spec.Name ?? Path.GetFileNameWithoutExtension(suite.Display)}/{entry.Name}",
                };
                JobSpecRules.Validate(spec);
                jobs.Add(new SuiteJob(entry, MemberJobId(suiteId, entry.Name), spec));
            }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                problems.Add($"{entry.Where(suite.Display)}: {CliConsole.Describe(e)}");
            }
        }

        return problems.Count > 0 ? throw new SuiteFileException(suite.Display, problems) : new SuitePlan(suite, suiteId, output!, jobs);
    }

    /// <summary>The location of a dataset's outputs under the suite's: a sub-folder, or a sub-prefix before any SAS query.</summary>
    public static string Child(string output, string dataset)
    {
        if (!StorageLocation.LooksLikeBlob(output))
        {
            return Path.Combine(output, dataset);
        }

        var query = output.IndexOf('?');
        var path = (query < 0 ? output : output[..query]).TrimEnd('/');
        return $"{path}/{dataset}{(query < 0 ? "" : output[query..])}";
    }

    /// <summary>The command line's tokens without --suite, and without the options the entry sets (its value wins over the command line's default).</summary>
    private static List<string> BaseTokens(ParseResult parse, SuiteEntry entry)
    {
        var replaced = entry.Options.Select(o => $"--{o.Key}").Append("--suite").ToHashSet(StringComparer.Ordinal);
        var tokens = new List<string>();
        for (var i = 0; i < parse.Tokens.Count; i++)
        {
            var token = parse.Tokens[i];
            if (token.Type == TokenType.Option && replaced.Contains(token.Value))
            {
                if (i + 1 < parse.Tokens.Count && parse.Tokens[i + 1].Type == TokenType.Argument)
                {
                    i++;
                }

                continue;
            }

            tokens.Add(token.Value);
        }

        return tokens;
    }
}
