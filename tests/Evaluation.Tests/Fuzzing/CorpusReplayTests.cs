using SENet.Fuzz;

namespace SENet.Evaluation.Tests.Fuzzing;

/// <summary>
/// Every file of the fuzzing corpus (tools/fuzz/corpus/TARGET) through its target's code, in process: each is accepted
/// or refused with the engine's documented exception; any other exception, a failed harness check (a good JPEG
/// failing after the file) or a dead test host fails. Crash reproducers join the corpus once their fix lands.
/// </summary>
public sealed class CorpusReplayTests
{
    private static readonly string Corpus = Path.Combine(AppContext.BaseDirectory, "FuzzCorpus");

    public static TheoryData<string, string> CorpusFiles()
    {
        var data = new TheoryData<string, string>();
        foreach (var target in FuzzHarness.Targets)
        {
            var folder = Path.Combine(Corpus, target.Name);
            if (!Directory.Exists(folder))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
            {
                data.Add(target.Name, Path.GetFileName(file));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Corpus_file_is_accepted_or_refused_with_a_documented_exception(string target, string file)
    {
        var outcome = FuzzHarness.Execute(FuzzHarness.Find(target), File.ReadAllBytes(Path.Combine(Corpus, target, file)));

        Assert.True(Enum.IsDefined(outcome));
    }

    [Fact]
    public void Every_target_has_seeds_and_the_corpus_stays_small()
    {
        foreach (var target in FuzzHarness.Targets)
        {
            var folder = Path.Combine(Corpus, target.Name);
            Assert.True(Directory.Exists(folder) && Directory.EnumerateFiles(folder).Count() >= 3, $"tools/fuzz/corpus/{target.Name} needs seeds");
        }

        var bytes = Directory.EnumerateFiles(Corpus, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        Assert.InRange(bytes, 1, 4L << 20);
    }

    [Fact]
    public void Every_valid_seed_is_accepted()
    {
        // The made seeds (not afl_*, afl-fuzz's mutants, nor crash-*, fixed reproducers) are valid files: a harness that
        // refused them (a wrong limit, a missing library) would pass the replay while testing nothing.
        foreach (var target in FuzzHarness.Targets)
        {
            var seeds = Directory.EnumerateFiles(Path.Combine(Corpus, target.Name))
                .Where(f => !Path.GetFileName(f).StartsWith("afl_", StringComparison.Ordinal) && !Path.GetFileName(f).StartsWith("crash-", StringComparison.Ordinal))
                .ToList();
            Assert.NotEmpty(seeds);
            Assert.All(seeds, f => Assert.Equal(FuzzOutcome.Accepted, FuzzHarness.Execute(target, File.ReadAllBytes(f))));
        }
    }
}
