using System.Reflection;
using Orleans.Storage;
using SENet.Contracts.Security;

namespace SENet.Grains.Hosting;

/// <summary>
/// Refuses calls from gateway clients to grain methods whose answers carry other jobs' secrets: methods marked
/// <see cref="SiloOnlyAttribute"/> (the worker-facing job spec) and Orleans' memory storage grains, which would hand any
/// client the raw stored job records. Silos' grains and their in-process (hosted) clients pass; a gateway client's
/// calls carry its own client id as their source.
/// </summary>
public sealed class SiloOnlyCallFilter : IIncomingGrainCallFilter
{
    private const string HostedClientPrefix = "hosted-";

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (FromGatewayClient(context.SourceId) && Guarded(context.InterfaceMethod))
        {
            throw new UnauthorizedAccessException($"{context.InterfaceName}.{context.MethodName} answers only the cluster's silos, not clients.");
        }

        return context.Invoke();
    }

    private static bool Guarded(MethodInfo method) =>
        method.GetCustomAttribute<SiloOnlyAttribute>() is not null || method.DeclaringType == typeof(IMemoryStorageGrain);

    /// <summary>No source at all, or a client that is not a silo's own hosted client.</summary>
    private static bool FromGatewayClient(GrainId? source) =>
        source is not { } id || (id.IsClient() && !id.Key.ToString().StartsWith(HostedClientPrefix, StringComparison.Ordinal));
}
