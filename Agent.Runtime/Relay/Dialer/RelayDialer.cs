using System.Net;
using System.Net.WebSockets;
using Agent.Reactive.Protocol;
using Agent.Runtime.ControlPlaneClient;
using Agent.Runtime.Relay.WebSockets;

namespace Agent.Runtime.Relay.Dialer;

/// <summary>
/// Opens a relayed stream to a port of a workspace agent: a WebSocket to the control plane's
/// <c>/api/v2/workspaceagents/{agent}/connect?port=N</c> (docs/relay-protocol.md) with the user token in the
/// <c>Coder-Session-Token</c> header. A refused upgrade throws a <see cref="RelayDialException"/> saying why.
/// </summary>
public static class RelayDialer
{
    /// <summary>How long the TCP connect, the upgrade and the agent's answer may take together.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan KeepAliveTimeout = TimeSpan.FromSeconds(45);

    public static Task<DuplexWebSocketStream> ConnectAsync(Uri controlPlane, string userToken, string agent, int port, CancellationToken ct)
        => ConnectAsync(controlPlane, userToken, agent, port, ConnectTimeout, ct);

    /// <summary>The WebSocket address of <c>/connect</c> under <paramref name="controlPlane"/> (http → ws, https → wss).</summary>
    public static Uri ConnectUri(Uri controlPlane, string agent, int port)
    {
        ArgumentNullException.ThrowIfNull(controlPlane);
        ArgumentException.ThrowIfNullOrEmpty(agent);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        return WebSocketAddress.Below(controlPlane, $"api/v2/workspaceagents/{Uri.EscapeDataString(agent)}/connect", $"port={port}");
    }

    /// <summary>The control plane's address for messages: no user info, query or fragment.</summary>
    public static string Describe(Uri controlPlane)
    {
        ArgumentNullException.ThrowIfNull(controlPlane);
        return controlPlane.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
    }

    /// <summary>
    /// Opens the WebSocket <paramref name="target"/> (a relayed-stream endpoint of the control plane at
    /// <paramref name="controlPlane"/>) with <paramref name="headers"/>, within <paramref name="timeout"/>.
    /// </summary>
    /// <exception cref="RelayDialException">Unreachable, refused (with the <c>X-Relay-Error</c> reason) or too slow.</exception>
    public static async Task<DuplexWebSocketStream> ConnectAsync(
        Uri controlPlane, Uri target, IEnumerable<KeyValuePair<string, string>> headers, string agent, int port, TimeSpan timeout, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(headers);
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.KeepAliveInterval = KeepAliveInterval;
        socket.Options.KeepAliveTimeout = KeepAliveTimeout;
        foreach (var (name, value) in headers)
            socket.Options.SetRequestHeader(name, value);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(target, TokenHttpClient.WebSocketInvoker, bounded.Token).ConfigureAwait(false);
            return new DuplexWebSocketStream(socket);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            socket.Dispose();
            throw new RelayDialException($"the control plane at {Describe(controlPlane)} did not open agent \"{agent}\" port {port} within {timeout.TotalSeconds:0.#} s");
        }
        catch (WebSocketException e)
        {
            var failure = Explain(controlPlane, agent, port, socket, e);
            socket.Dispose();
            throw failure;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    internal static Task<DuplexWebSocketStream> ConnectAsync(Uri controlPlane, string userToken, string agent, int port, TimeSpan timeout, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(userToken);
        return ConnectAsync(controlPlane, ConnectUri(controlPlane, agent, port), [new(SessionTokenHeader.Name, userToken)], agent, port, timeout, ct);
    }

    private static RelayDialException Explain(Uri controlPlane, string agent, int port, ClientWebSocket socket, WebSocketException e)
    {
        var status = (int)socket.HttpStatusCode;
        if (status == 0)
        {
            var reason = e.InnerException?.Message ?? e.Message;
            return new RelayDialException($"cannot reach the control plane at {Describe(controlPlane)}: {reason}", e);
        }

        string? relayError = null;
        if (socket.HttpResponseHeaders is { } headers && headers.TryGetValue(RelayHandshake.ErrorHeader, out var values))
            relayError = string.Join("; ", values);
        var target = $"agent \"{agent}\" port {port}";
        var message = !string.IsNullOrWhiteSpace(relayError)
            ? $"{target}: {relayError} ({status})"
            : status switch
            {
                (int)HttpStatusCode.Unauthorized => $"the control plane at {Describe(controlPlane)} refused the user token (401)",
                (int)HttpStatusCode.Forbidden => $"the control plane at {Describe(controlPlane)} does not let this user token reach {target} (403)",
                (int)HttpStatusCode.NotFound => $"the control plane at {Describe(controlPlane)} has no agent called \"{agent}\" (404)",
                (int)HttpStatusCode.BadRequest => $"the control plane refused port {port} (400)",
                (int)HttpStatusCode.BadGateway => $"{target} is not reachable: the agent is not connected or refused the port (502)",
                (int)HttpStatusCode.GatewayTimeout => $"{target}: the agent did not answer in time (504)",
                >= 200 and < 300 or 426 => $"the server at {Describe(controlPlane)} did not accept a WebSocket for {target} ({status}); is it the control plane?",
                _ => $"the control plane at {Describe(controlPlane)} refused {target} ({status})",
            };
        return new RelayDialException(message, status, e) { RelayError = relayError };
    }
}
