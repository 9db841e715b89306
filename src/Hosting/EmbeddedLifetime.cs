using Microsoft.Extensions.Hosting;

namespace SENet.Silo.Hosting;

/// <summary>
/// The lifetime of a silo inside another program: it does not listen to Ctrl+C or SIGTERM (the console lifetime would
/// stop the silo under a job the program is still cancelling); the program stops the silo when it is done with it.
/// </summary>
public sealed class EmbeddedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
