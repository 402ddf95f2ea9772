using Agent.Reactive.Effects;

namespace Agent.Runtime.Hosting.Effects;

/// <summary>
/// App health checks: one GET per call over a shared <see cref="HttpClient"/> (connections are pooled across
/// probes; redirects are followed as .NET does by default). The answer's status code is returned whatever it
/// is; the body is not read.
/// </summary>
public sealed class HttpProbe : IHttpProbe, IDisposable
{
    private readonly HttpClient _client;
    private readonly bool _ownsClient;

    public HttpProbe()
        : this(CreateClient(), ownsClient: true)
    {
    }

    /// <summary>Uses <paramref name="client"/>; its own <see cref="HttpClient.Timeout"/> still applies.</summary>
    public HttpProbe(HttpClient client)
        : this(client, ownsClient: false)
    {
    }

    private HttpProbe(HttpClient client, bool ownsClient)
    {
        _client = client;
        _ownsClient = ownsClient;
    }

    public async Task<int> GetStatusAsync(Uri url, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            return (int)response.StatusCode;
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"GET {url} did not answer within {timeout}", exception);
        }
    }

    public void Dispose()
    {
        if (_ownsClient)
            _client.Dispose();
    }

    private static HttpClient CreateClient()
        => new(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
}
