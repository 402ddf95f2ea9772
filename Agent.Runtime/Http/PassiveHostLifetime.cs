using Microsoft.Extensions.Hosting;

namespace Agent.Runtime.Http;

/// <summary>
/// A host lifetime that leaves signals alone: the embedded control plane is started and stopped by its owner
/// (the <c>server</c> command or <c>agent dev</c>), which must keep serving while the agent shuts down.
/// </summary>
internal sealed class PassiveHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
