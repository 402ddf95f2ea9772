using System.Net;
using Agent.Reactive.Effects;
using Agent.Reactive.Protocol;
using Microsoft.Extensions.Logging;

namespace Agent.Reactive.Scripts;

/// <summary>
/// Sends a batch of script lines to its log source: <c>PATCH me/logs</c>, or <c>PATCH me/startup-logs</c> for the old
/// scripts' sources. A control plane that answers 404 to <c>me/logs</c> is older than log sources: that is logged
/// once, and every batch goes to <c>me/startup-logs</c> (each line behind its source's name) until
/// <see cref="NewConnection"/>. Thread-safe.
/// </summary>
public sealed class ScriptLogSender(IControlPlaneClient client, ILogger logger)
{
    private int _logsEndpointMissing;

    /// <summary>A new connection may be a newer control plane: try <c>me/logs</c> again.</summary>
    public void NewConnection() => Volatile.Write(ref _logsEndpointMissing, 0);

    /// <summary>
    /// Sends <paramref name="logs"/> of <paramref name="target"/>. The old sources' batches (and every batch after a
    /// 404) are the client's own task, so their answers arrive exactly when the client's do.
    /// </summary>
    public Task SendAsync(ScriptLogTarget target, IReadOnlyList<StartupLog> logs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(logs);
        return target.Legacy || Volatile.Read(ref _logsEndpointMissing) != 0
            ? SendOldAsync(target, logs, cancellationToken)
            : SendNewAsync(target, logs, cancellationToken);
    }

    private async Task SendNewAsync(ScriptLogTarget target, IReadOnlyList<StartupLog> logs, CancellationToken cancellationToken)
    {
        try
        {
            await client.PatchLogsAsync(new LogsRequest(target.Id, logs), cancellationToken).ConfigureAwait(false);
        }
        catch (ControlPlaneException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            if (Interlocked.Exchange(ref _logsEndpointMissing, 1) == 0)
                logger.LogsEndpointMissing();
            await SendOldAsync(target, logs, cancellationToken).ConfigureAwait(false);
        }
    }

    private Task SendOldAsync(ScriptLogTarget target, IReadOnlyList<StartupLog> logs, CancellationToken cancellationToken)
    {
        var lines = target.Legacy ? logs : [.. logs.Select(log => log with { Output = $"[{target.Name}] {log.Output}" })];
        return client.PatchStartupLogsAsync(new StartupLogsRequest(lines, target.LegacySource), cancellationToken);
    }
}
