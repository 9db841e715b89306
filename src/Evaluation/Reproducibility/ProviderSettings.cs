using Microsoft.ML.OnnxRuntime;
using SENet.Evaluation.Models;

namespace SENet.Evaluation.Reproducibility;

/// <summary>An execution provider and the settings that change its numbers or speed, in one line for the record.</summary>
public static class ProviderSettings
{
    public static string OnnxRuntimeVersion => OrtEnv.Instance().GetVersionString();

    public static string Describe(string device, ClassifierSession session, CudaSettings cuda, int cpuThreads)
    {
        var streams = $"{session.Streams} session{(session.Streams == 1 ? "" : "s")}";
        if (session.ExecutionProvider == ClassifierSession.CudaProvider)
        {
            var deviceId = device.Split(':') is [_, var id] && int.TryParse(id, out var parsed) ? parsed : 0;
            var options = string.Join(", ", cuda.ToProviderOptions(deviceId).Where(o => o.Key != "device_id").OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key}={o.Value}"));
            return $"{device}: {session.ExecutionProvider} ({options}; {streams}{HostMemory(session)})";
        }

        var threads = cpuThreads > 0 ? $"{cpuThreads} intra-op threads" : "intra-op threads: every core";
        return $"{device}: {session.ExecutionProvider} ({threads}; {streams}){(session.FallbackReason is { } why ? $", fell back to the CPU: {why}" : "")}";
    }

    private static string HostMemory(ClassifierSession session) => session switch
    {
        { PinnedOutputs: true } => ", pinned host memory",
        { PinnedHostMemory: true } => $", pinned images, pageable scores: {session.PinnedMemoryFallbackReason}",
        { PinnedMemoryFallbackReason: { } why } => $", pageable host memory: {why}",
        _ => "",
    };
}
