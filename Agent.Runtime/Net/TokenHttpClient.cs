namespace Agent.Runtime.Net;

/// <summary>
/// The one way to build an <see cref="HttpClient"/> whose requests carry a token: automatic redirects off, and
/// <see cref="SameOriginRedirectHandler"/> following only those that stay on the same origin. (The WebSocket clients,
/// the relay and <c>/connect</c>, never follow a redirect: anything but 101 fails the upgrade.)
/// </summary>
public static class TokenHttpClient
{
    /// <summary>A client with <paramref name="connectTimeout"/> for the TCP connect and <paramref name="timeout"/> per request.</summary>
    public static HttpClient Create(TimeSpan connectTimeout, TimeSpan timeout, Uri? baseAddress = null)
    {
        var sockets = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            ConnectTimeout = connectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        return new HttpClient(new SameOriginRedirectHandler(sockets), disposeHandler: true) { Timeout = timeout, BaseAddress = baseAddress };
    }
}
