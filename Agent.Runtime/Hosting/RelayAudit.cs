using Agent.Reactive.Audit;
using Agent.Reactive.Protocol;

namespace Agent.Runtime.Hosting;

/// <summary>
/// Connection reports of relayed streams that no inner server reports: the speed test, one
/// <see cref="ConnectionTypes.Relay"/> report per stream (who is <c>token</c>: the control plane authenticated the user;
/// no address: the stream comes from the control plane). SSH and the web terminal over the relay are reported by their
/// own servers (the SSH session, the terminal attachment). The HTTP API's relayed streams are not reported: they are
/// the control plane's own reads (an open agent page asks for the listening ports every 10 s), which would push the
/// people's connections out of the control plane's window of 1000.
/// </summary>
internal static class RelayAudit
{
    /// <summary>What a relayed speed test reports.</summary>
    public const string Speedtest = "speedtest";

    /// <summary>The reason of a stream that ended without an error.</summary>
    public const string Closed = "closed";

    /// <summary><paramref name="serve"/>, reported as one connection whose what is <paramref name="what"/>.</summary>
    public static Func<Stream, CancellationToken, Task> Reported(Func<Stream, CancellationToken, Task> serve, IConnectionAudit audit, string what)
        => async (stream, cancellationToken) =>
        {
            var audited = audit.Open(ConnectionTypes.Relay, string.Empty, string.Empty, "token", what);
            var reason = "failed";
            try
            {
                await serve(stream, cancellationToken).ConfigureAwait(false);
                reason = Closed;
            }
            finally
            {
                audited.Close(reason == Closed ? 0 : 1, reason: reason);
            }
        };
}
