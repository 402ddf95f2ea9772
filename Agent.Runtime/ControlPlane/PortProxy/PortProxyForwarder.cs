using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using Agent.Runtime.Relay.Splice;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane.PortProxy;

/// <summary>
/// Sends one browser request to a port of an agent's workspace and streams the answer back: HTTP/1.1 over relayed
/// streams (<see cref="RelayHub.OpenAsync"/>, so across replicas too), bodies streamed both ways, redirects passed as
/// they are, and a WebSocket (any <c>Upgrade</c>) spliced byte for byte once the workspace answered <c>101</c>.
/// Each agent has one connection pool; a pooled connection is a relayed stream and dies with its relay.
/// </summary>
internal sealed class PortProxyForwarder : IDisposable
{
    /// <summary>The workspace's response headers, at most this many KiB.</summary>
    public const int MaxResponseHeadersKilobytes = 64;

    /// <summary>Connections to one port of an agent at once.</summary>
    public const int MaxConnectionsPerPort = 128;

    private const int CopyBufferSize = 64 * 1024;

    private static readonly UriCreationOptions Verbatim = new() { DangerousDisablePathAndQueryCanonicalization = true };

    private readonly ConcurrentDictionary<string, HttpMessageInvoker> _clients = new(StringComparer.Ordinal);
    private readonly RelayHub _hub;
    private readonly ILogger _logger;
    private readonly CancellationToken _stopping;

    public PortProxyForwarder(RelayHub hub, ILogger logger, CancellationToken stopping)
    {
        _hub = hub;
        _logger = logger;
        _stopping = stopping;
    }

    public async Task ForwardAsync(HttpContext context, string agent, int port)
    {
        // A proxied body is streamed, never held: it may be as large as the workspace takes (Kestrel's data rates still apply).
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = null;
        using var request = CreateRequest(context, port);
        HttpResponseMessage response;
        try
        {
            response = await Client(agent).SendAsync(request, context.RequestAborted);
        }
        catch (HttpRequestException e) when (e.InnerException is RelayOpenException relay)
        {
            _logger.ProxyNotConnected(agent, port, relay.Message);
            await ProxyAnswers.TextAsync(context, relay.StatusCode, $"Port {port} of agent {agent} cannot be reached: {relay.Message}");
            return;
        }
        catch (HttpRequestException e)
        {
            _logger.ProxyNotConnected(agent, port, e.Message);
            await ProxyAnswers.TextAsync(context, StatusCodes.Status502BadGateway, $"Port {port} of agent {agent} did not answer HTTP: {e.Message}");
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        using (response)
        {
            CopyResponseHeaders(context, response);
            var upgrade = context.Features.Get<IHttpUpgradeFeature>();
            if (response.StatusCode == HttpStatusCode.SwitchingProtocols && upgrade is { IsUpgradableRequest: true })
                await SpliceAsync(context, upgrade, response, agent, port);
            else
                await CopyBodyAsync(context, response, agent, port);
        }
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values)
            client.Dispose();
        _clients.Clear();
    }

    private static HttpRequestMessage CreateRequest(HttpContext context, int port)
    {
        var incoming = context.Request;
        var target = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}{incoming.PathBase.ToUriComponent()}{incoming.Path.ToUriComponent()}{ProxyHeaders.Query(incoming.QueryString)}";
        var request = new HttpRequestMessage(new HttpMethod(incoming.Method), new Uri(target, Verbatim))
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true)
            request.Content = new StreamContent(incoming.Body, CopyBufferSize);
        foreach (var (name, values) in ProxyHeaders.Request(incoming.Headers))
        {
            if (string.Equals(name, "Expect", StringComparison.OrdinalIgnoreCase))
                continue; // Kestrel answers 100-continue itself as the body is read
            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
        }

        request.Headers.Host = incoming.Host.Value;
        if (ProxyHeaders.Cookies(incoming.Headers) is { } cookies)
            request.Headers.TryAddWithoutValidation("Cookie", cookies);
        request.Headers.TryAddWithoutValidation("X-Forwarded-Host", incoming.Host.Value);
        request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", incoming.Scheme);
        if (context.Connection.RemoteIpAddress is { } remote)
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", remote.ToString());
        if (context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true })
        {
            request.Headers.TryAddWithoutValidation("Connection", "Upgrade");
            request.Headers.TryAddWithoutValidation("Upgrade", (IEnumerable<string?>)incoming.Headers.Upgrade);
        }

        return request;
    }

    private static void CopyResponseHeaders(HttpContext context, HttpResponseMessage response)
    {
        context.Response.StatusCode = (int)response.StatusCode;
        var connection = response.Headers.Connection;

        // As the workspace wrote them (NonValidated): "Server: SimpleHTTP/0.6 Python/3.11" stays one value.
        foreach (var (name, values) in response.Headers.NonValidated)
        {
            if (ProxyHeaders.PassesBack(name, connection))
                context.Response.Headers[name] = values.ToArray();
        }

        foreach (var (name, values) in response.Content.Headers.NonValidated)
            context.Response.Headers[name] = values.ToArray();
        if (response.StatusCode == HttpStatusCode.SwitchingProtocols)
            context.Response.Headers.Upgrade = response.Headers.Upgrade.ToString();
    }

    private async Task CopyBodyAsync(HttpContext context, HttpResponseMessage response, string agent, int port)
    {
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(context.RequestAborted);
            await body.CopyToAsync(context.Response.Body, CopyBufferSize, context.RequestAborted);
        }
        catch (Exception e) when (e is IOException or HttpRequestException or OperationCanceledException)
        {
            // Headers are gone already: the client learns of the failure by the connection ending early.
            if (!context.RequestAborted.IsCancellationRequested)
                _logger.ProxyResponseCut(agent, port, e.Message);
            context.Abort();
        }
    }

    private async Task SpliceAsync(HttpContext context, IHttpUpgradeFeature upgrade, HttpResponseMessage response, string agent, int port)
    {
        await using var workspace = await response.Content.ReadAsStreamAsync(context.RequestAborted);
        await using var browser = await upgrade.UpgradeAsync();
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping);
        var failure = await StreamSplice.RunAsync(browser, workspace, ending.Token);
        if (failure is not null)
            _logger.ProxyUpgradeEnded(agent, port, failure);
    }

    private HttpMessageInvoker Client(string agent)
        => _clients.GetOrAdd(agent, name => new HttpMessageInvoker(
            new SocketsHttpHandler
            {
                ConnectCallback = async (endpoint, cancellationToken) => await _hub.OpenAsync(name, endpoint.DnsEndPoint.Port, cancellationToken),
                UseProxy = false,
                UseCookies = false,
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.None,
                MaxConnectionsPerServer = MaxConnectionsPerPort,
                MaxResponseHeadersLength = MaxResponseHeadersKilobytes,
                PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
                ConnectTimeout = RelayHub.ReplyTimeout + TimeSpan.FromSeconds(5),
                ActivityHeadersPropagator = null,

                // A workspace's header bytes pass as they came (a raw UTF-8 file name): read as Latin-1 here and
                // written as Latin-1 by Kestrel (ControlPlaneServer), a byte for each character both ways.
                ResponseHeaderEncodingSelector = static (_, _) => Encoding.Latin1,
            },
            disposeHandler: true));
}
