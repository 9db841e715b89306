namespace SENet.Silo.Hosting;

/// <summary>What <c>senet-silo --help</c> prints: how the silo is configured and every setting it reads.</summary>
public static class SiloHelp
{
    public static bool IsRequested(IEnumerable<string> args) => args.Any(a => a is "--help" or "-h" or "-?" or "/?" or "help");

    public const string Text = """
        senet-silo: one silo of a SENet Eval cluster (coordinator and inference workers on this node's devices).

        Usage:
          senet-silo [--SECTION:KEY=VALUE ...]
          dotnet run --project src/Silo -c Release -- [--SECTION:KEY=VALUE ...]

        Settings come from appsettings.json beside the program (whatever the working directory), then environment
        variables (SENet__Silo__SiloPort=11112), then arguments (--SENet:Silo:SiloPort=11112), later ones winning.
        A silo refuses to start on a port another process listens on, naming the port and the process, and refuses a
        setting that cannot work (a negative count, an unknown clustering, a certificate it cannot open), naming the key.

        SENet:Silo
          --SENet:Silo:ClusterId=senet            cluster id (clients pass --cluster-id)
          --SENet:Silo:ServiceId=senet            service id (clients pass --service-id)
          --SENet:Silo:Clustering=localhost       localhost (development) or azure (membership in Azure Table storage)
          --SENet:Silo:SiloPort=11111             port between silos
          --SENet:Silo:GatewayPort=30000          port clients connect to (senet --gateway)
          --SENet:Silo:PrimarySiloPort=           localhost clustering: the primary silo's SiloPort; unset: this is the primary
          --SENet:Silo:GatewayOnAllInterfaces=false  accept clients on every interface (a container's published port)
          --SENet:Silo:AdvertisedAddress=         azure clustering: the address other silos and clients reach this one at
          --SENet:Silo:Kubernetes=false           run as a Kubernetes pod (azure clustering)
          --SENet:Silo:HostsCoordinators=true     false: a worker-only silo
        SENet:Devices
          --SENet:Devices:List=                   e.g. cuda:0,cuda:1 or cpu:0; empty: the GPUs the driver reports, else CpuDevices CPUs
          --SENet:Devices:CpuDevices=1            CPU devices offered when no GPU is found
          --SENet:Devices:CpuThreads=0            ONNX Runtime threads per CPU device (0: every core)
          --SENet:Devices:SessionsPerDevice=0     0: 2 on a GPU, 1 on the CPU
          --SENet:Devices:ShardsInFlight=0        0: 2 on a GPU, 1 on the CPU
          --SENet:Devices:DecodeWorkers=0         0: one per core
          --SENet:Devices:ReadConcurrency=0       images each shard reads at once (0: 8)
          --SENet:Devices:Cuda:CudnnConvAlgoSearch=EXHAUSTIVE  and Cuda:MaxWorkspace=true, Cuda:MemoryLimitMb=0, Cuda:UseTf32=true
        SENet:Storage
          --SENet:Storage:ConnectionString=       Azure Storage (prefer SENet__Storage__ConnectionString in the environment)
          --SENet:Storage:AccountUrl=             https://ACCOUNT.blob.core.windows.net, with a managed or workload identity
          --SENet:Storage:OutputRoot=             where jobs without --out write (OutputRoot/JOB); unset: /tmp/senet-jobs/JOB
          --SENet:Storage:InputRoots:0=           folders or blob prefixes every job input must lie under
          --SENet:Storage:MaxModelBytes=4294967296
          --SENet:Storage:MaxRetries=6
        SENet:Telemetry
          --SENet:Telemetry:PrometheusPort=       serve /metrics on this port
          --SENet:Telemetry:PrometheusOnAllInterfaces=false
          --SENet:Telemetry:OtlpEndpoint=         export metrics and traces over OTLP
          --SENet:Telemetry:ServiceName=senet-silo
          --SENet:Telemetry:DashboardPort=        serve the Orleans dashboard on this port
        SENet:Tls
          --SENet:Tls:CertificatePath=            the cluster's PKCS#12 certificate (password: SENet__Tls__CertificatePassword)
        SENet:JobState
          --SENet:JobState:ShardsPerPartition=1024  shard rows per stored partition of a job's shard table
          --SENet:JobState:OverlayLimit=4096      changed rows kept in the job record before their partitions are written
          --SENet:JobState:LogSlots=64            commits between two checkpoints of the job record (each a log entry)
          --SENet:JobState:CommitInterval=00:00:00.025  the longest a job's next write waits after one (twice that write's time, at most this)
        Logging
          --Logging:LogLevel:Default=Information  and Logging:LogLevel:Orleans=Warning (appsettings.json)

        Example:
          senet-silo --SENet:Silo:SiloPort=11112 --SENet:Silo:GatewayPort=30001 --SENet:Silo:PrimarySiloPort=11111

        """;
}
