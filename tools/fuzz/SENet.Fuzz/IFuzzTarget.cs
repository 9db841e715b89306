namespace SENet.Fuzz;

/// <summary>
/// One piece of the engine that reads untrusted bytes. <see cref="Run"/> may throw only the engine's documented
/// refusals (<see cref="FuzzHarness.IsDocumentedRefusal"/>); any other exception, or a process that dies, is a finding.
/// </summary>
public interface IFuzzTarget
{
    /// <summary>The name on the command line and the corpus folder (tools/fuzz/corpus/NAME).</summary>
    string Name { get; }

    /// <summary>What the target exercises, for <c>list</c>.</summary>
    string Description { get; }

    void Run(byte[] input);
}
