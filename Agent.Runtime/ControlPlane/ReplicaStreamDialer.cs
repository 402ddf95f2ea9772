using System.Globalization;
using Agent.Runtime.Relay.Dialer;
using Agent.Runtime.Relay.WebSockets;
using Microsoft.AspNetCore.Http;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// Opens a stream to a port of an agent whose relay another replica holds: a WebSocket to that replica's
/// <see cref="ReplicaStreamEndpoint"/>, shown this replica's credentials. The owner's refusal (404, 502, 504 and its
/// reason) is passed on as it came; an owner that cannot be reached, or refuses this replica, is a 502.
/// </summary>
internal static class ReplicaStreamDialer
{
    /// <summary>How long the connect, the upgrade and the agent's answer through the owner may take together.</summary>
    public static readonly TimeSpan Timeout = RelayHub.ReplyTimeout + TimeSpan.FromSeconds(5);

    /// <summary>The owner's endpoint for <paramref name="agent"/>'s <paramref name="port"/>.</summary>
    public static Uri StreamUri(Uri owner, string agent, int port)
        => WebSocketAddress.Below(owner, $"{ReplicaStreamEndpoint.PathPrefix}/{Uri.EscapeDataString(agent)}", $"port={port.ToString(CultureInfo.InvariantCulture)}");

    public static async Task<Stream> OpenAsync(RelayOwner owner, ReplicaCredentials self, string agent, int port, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(self);
        KeyValuePair<string, string>[] headers =
        [
            new(ReplicaCredentials.IdHeader, self.Id.ToString("D")),
            new(ReplicaCredentials.TokenHeader, self.Token),
        ];
        try
        {
            return await RelayDialer.ConnectAsync(owner.Address, StreamUri(owner.Address, agent, port), headers, agent, port, Timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (RelayDialException e) when (e.RelayError is { Length: > 0 } reason && e.StatusCode is StatusCodes.Status400BadRequest or StatusCodes.Status404NotFound or StatusCodes.Status502BadGateway or StatusCodes.Status503ServiceUnavailable or StatusCodes.Status504GatewayTimeout)
        {
            throw new RelayOpenException(e.StatusCode, reason, e);
        }
        catch (RelayDialException e)
        {
            throw new RelayOpenException(StatusCodes.Status502BadGateway, $"agent {agent}: the replica that holds its relay ({owner.Address}) did not open the stream: {e.Message}", e);
        }
    }
}
