using SENet.Fuzz;
using SharpFuzz;

// SENet.Fuzz TARGET           under afl-fuzz: the input on standard input
// SENet.Fuzz TARGET FILE      under afl-fuzz: the input in FILE (afl's @@), read afresh each execution
// SENet.Fuzz TARGET PATH...   outside afl-fuzz: replays files (or every file of folders), one line each; exit 1 on a finding
// SENet.Fuzz make-seeds CORPUS FIXTURES | list
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.Error.WriteLine("usage: SENet.Fuzz TARGET [FILE|@@] | TARGET PATH... (replay) | make-seeds CORPUS FIXTURES | list");
    Console.Error.WriteLine($"targets: {string.Join(", ", FuzzHarness.Targets.Select(t => t.Name))}");
    return 2;
}

switch (args[0])
{
    case "list":
        foreach (var t in FuzzHarness.Targets)
        {
            Console.WriteLine($"{t.Name,-16} {t.Description}");
        }

        return 0;
    case "make-seeds" when args.Length == 3:
        SeedCorpus.Write(args[1], args[2]);
        return 0;
}

var target = FuzzHarness.Find(args[0]);
var underAfl = Environment.GetEnvironmentVariable("__AFL_SHM_ID") is not null;
if (underAfl)
{
    // Out of process: the fork server lives in this process and runs each input in a child that it restarts when the
    // child dies, so a native crash in libjpeg-turbo or Skia is reported to afl-fuzz as a crash, not the end of the run.
    var file = args.Length > 1 ? args[1] : null;
    Fuzzer.OutOfProcess.Run(stream =>
    {
        byte[] input;
        if (file is null)
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            input = buffer.ToArray();
        }
        else
        {
            input = File.ReadAllBytes(file);
        }

        FuzzHarness.Execute(target, input);
    });
    return 0;
}

var paths = args.Skip(1).SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p).Order(StringComparer.Ordinal) : (IEnumerable<string>)[p]).ToList();
if (paths.Count == 0)
{
    using var stdin = Console.OpenStandardInput();
    using var buffer = new MemoryStream();
    stdin.CopyTo(buffer);
    FuzzHarness.Execute(target, buffer.ToArray());
    return 0;
}

var findings = 0;
foreach (var path in paths)
{
    // One line before the run, so that a process killed by a native crash still shows which file did it.
    Console.Write($"{target.Name} {path}: ");
    Console.Out.Flush();
    try
    {
        Console.WriteLine(FuzzHarness.Execute(target, File.ReadAllBytes(path)) == FuzzOutcome.Accepted ? "accepted" : "refused");
    }
    catch (Exception e)
    {
        findings++;
        Console.WriteLine($"FINDING {e.GetType().Name}: {e.Message}");
        Console.Error.WriteLine(e);
    }
}

return findings == 0 ? 0 : 1;
