namespace Agent.Runtime.ControlPlaneClient;

/// <summary>
/// The one way to build an <see cref="HttpClient"/> whose requests carry a token: automatic redirects off, and
/// <see cref="SameOriginRedirectHandler"/> following only those that stay on the same origin; and the invoker of every
/// WebSocket that carries one (the relay, <c>/connect</c>), which follows no redirect at all: a <c>ClientWebSocket</c> of
/// its own follows them with every header, so a redirect answered to the upgrade would hand the token to another origin.
/// </summary>
public static class TokenHttpClient
{
    /// <summary>For <c>ClientWebSocket.ConnectAsync(uri, invoker, ct)</c>: no redirects (anything but 101 fails the upgrade).</summary>
    public static HttpMessageInvoker WebSocketInvoker { get; } = new(new SocketsHttpHandler { AllowAutoRedirect = false }, disposeHandler: true);

    /// <summary>
    /// A client with <paramref name="connectTimeout"/> for the TCP connect, <paramref name="timeout"/> per request and at
    /// most <paramref name="maxConnectionsPerServer"/> connections to one server (more requests wait for one).
    /// </summary>
    public static HttpClient Create(TimeSpan connectTimeout, TimeSpan timeout, Uri? baseAddress = null, int maxConnectionsPerServer = int.MaxValue)
    {
        var sockets = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = maxConnectionsPerServer,
            ConnectTimeout = connectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        return new HttpClient(new SameOriginRedirectHandler(sockets), disposeHandler: true) { Timeout = timeout, BaseAddress = baseAddress };
    }
}
