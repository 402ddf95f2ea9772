using System.Net;
using System.Net.Http.Headers;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Text;
using System.Text.Json;
using Agent.Reactive;
using Agent.Reactive.Effects;
using Agent.Reactive.Linq;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Relay.Sse;

/// <summary>
/// Reads an agent's events from the control plane (<c>GET /api/v2/workspaceagents/{name}/events</c>,
/// Server-Sent Events) and turns them back into an <see cref="IObservable{T}"/>. A broken stream is
/// opened again with backoff; a refused one (bad token, unknown agent, not an event stream) ends the
/// sequence with a <see cref="ControlPlaneException"/>. <see cref="Status"/> tells how the stream stands.
/// </summary>
public sealed class AgentEventsClient : IDisposable
{
    /// <summary>
    /// Bytes read from the stream at a time. The read waits with its buffer for as long as the stream is quiet, and
    /// the control plane follows one stream per connected agent: 1 KiB each (events are a few hundred bytes; a longer
    /// one takes several reads), not 8.
    /// </summary>
    public const int ReadBufferBytes = 1024;

    /// <summary>The server pings every 15 s; this long without a byte means the stream is dead.</summary>
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromSeconds(45);

    /// <summary>Delays between reconnections: 100 ms doubling to 5 s, ±20 %.</summary>
    public static readonly BackoffPolicy ReconnectPolicy = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), Jitter: 0.2);

    private const int MaxErrorBodyBytes = 16 * 1024;
    private const int MaxLoggedDataChars = 200;

    private readonly HttpClient _http;
    private readonly ILogger _logger;
    private readonly TimeSpan _idleTimeout;
    private readonly ReplaySubject<EventStreamStatus> _status = new(1);

    /// <param name="http">Used without its own timeout: the stream is open-ended (set <see cref="HttpClient.Timeout"/> to infinite).</param>
    /// <param name="logger">Told of events that could not be read and of reconnections.</param>
    /// <param name="idleTimeout">Silence after which the stream counts as lost; <see cref="DefaultIdleTimeout"/> by default.</param>
    public AgentEventsClient(HttpClient http, ILogger logger, TimeSpan? idleTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(logger);
        _http = http;
        _logger = logger;
        _idleTimeout = idleTimeout ?? DefaultIdleTimeout;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_idleTimeout, TimeSpan.Zero, nameof(idleTimeout));
    }

    /// <summary>
    /// The latest status of the streams opened by <see cref="Events"/> (the last one is replayed to a new
    /// subscriber). A status is published before the events it concerns, on the same thread, so a merge of
    /// both keeps that order.
    /// </summary>
    public IObservable<EventStreamStatus> Status => _status.AsObservable();

    /// <summary>The URL of the events of <paramref name="agentName"/> under <paramref name="baseUrl"/>.</summary>
    public static Uri EventsUrl(Uri baseUrl, string agentName)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        ArgumentException.ThrowIfNullOrEmpty(agentName);
        var root = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
        return new Uri(root, $"api/v2/workspaceagents/{Uri.EscapeDataString(agentName)}/events");
    }

    /// <summary>Whether <paramref name="error"/> ends the events for good instead of causing a reconnection.</summary>
    public static bool IsFinal(Exception error)
        => error is ControlPlaneException { StatusCode: { } status }
           && (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.NotFound
               || (int)status is >= 200 and < 300);

    /// <summary>
    /// Cold: each subscription opens its own stream. The control plane sends a snapshot of the agent first,
    /// then live events; after a reconnection the snapshot comes again.
    /// </summary>
    public IObservable<AgentEvent> Events(Uri baseUrl, string userToken, string agentName, IScheduler scheduler)
        => EventsAt(EventsUrl(baseUrl, agentName), userToken, scheduler);

    /// <summary>Like <see cref="Events"/>, from any event stream of the same format (e.g. the agent's own <c>/api/v0/events</c>).</summary>
    public IObservable<AgentEvent> EventsAt(Uri url, string userToken, IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentException.ThrowIfNullOrEmpty(userToken);
        ArgumentNullException.ThrowIfNull(scheduler);
        return Observable
            .Create<AgentEvent>((observer, cancellationToken) => StreamOnceAsync(url, userToken, observer, scheduler, cancellationToken))
            .RetryWithBackoff(
                ReconnectPolicy,
                scheduler,
                onRetry: (error, delay) =>
                {
                    _logger.EventStreamLost(url, error.Message, delay);
                    Report(scheduler, EventStreamState.Lost, error.Message, delay);
                },
                shouldRetry: error => !IsFinal(error))
            .Do(_ => { }, error => Report(scheduler, EventStreamState.Failed, error.Message));
    }

    public void Dispose() => _status.Dispose();

    private static async Task<ControlPlaneException> RefusalAsync(HttpResponseMessage response, Uri url, CancellationToken cancellationToken)
    {
        var status = response.StatusCode;
        var detail = await ReadErrorMessageAsync(response, cancellationToken);
        var what = status switch
        {
            HttpStatusCode.Unauthorized => "the control plane refused the user token",
            HttpStatusCode.Forbidden => "the user token may not read this agent",
            HttpStatusCode.NotFound => "the control plane knows no such agent",
            _ => $"the control plane answered {url} with an error",
        };
        var message = $"{what} ({(int)status} {response.ReasonPhrase})";
        return new ControlPlaneException(status, detail.Length == 0 ? message : $"{message}: {detail}");
    }

    private static async Task<string> ReadErrorMessageAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[MaxErrorBodyBytes];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
            length += read;
        try
        {
            var error = JsonSerializer.Deserialize(buffer.AsSpan(0, length), AgentJsonContext.Default.ErrorResponse);
            if (error is not null)
                return string.IsNullOrEmpty(error.Detail) ? error.Message : $"{error.Message} ({error.Detail})";
        }
        catch (JsonException)
        {
            // Not Coder's error shape: fall back to the text itself.
        }

        return Encoding.UTF8.GetString(buffer, 0, Math.Min(length, 500)).Trim();
    }

    private static bool IsEventStream(HttpResponseMessage response)
        => string.Equals(response.Content.Headers.ContentType?.MediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase);

    private async Task StreamOnceAsync(
        Uri url, string userToken, IObserver<AgentEvent> observer, IScheduler scheduler, CancellationToken cancellationToken)
    {
        Report(scheduler, EventStreamState.Connecting);
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Add(SessionTokenHeader.Name, userToken);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            idle.CancelAfter(_idleTimeout);
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, idle.Token);
            if (!response.IsSuccessStatusCode)
                throw await RefusalAsync(response, url, idle.Token);
            if (!IsEventStream(response))
            {
                throw new ControlPlaneException(
                    response.StatusCode,
                    $"{url} answered with {response.Content.Headers.ContentType?.MediaType ?? "no content type"}, not an event stream");
            }

            Report(scheduler, EventStreamState.Connected);
            await using var body = await response.Content.ReadAsStreamAsync(idle.Token);
            var reader = new ServerSentEventsReader();
            var buffer = new byte[ReadBufferBytes];
            while (true)
            {
                idle.CancelAfter(_idleTimeout);
                var read = await body.ReadAsync(buffer, idle.Token);
                if (read == 0)
                    throw new EndOfStreamException("the control plane closed the event stream");
                foreach (var serverSentEvent in reader.Feed(buffer.AsSpan(0, read)))
                {
                    if (Decode(serverSentEvent) is { } agentEvent)
                        observer.OnNext(agentEvent);
                }
            }
        }
        catch (OperationCanceledException) when (idle.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"nothing from the control plane for {_idleTimeout.TotalSeconds:0} s");
        }
    }

    private AgentEvent? Decode(ServerSentEvent serverSentEvent)
    {
        try
        {
            var agentEvent = JsonSerializer.Deserialize(serverSentEvent.Data, MonitoringJsonContext.Default.AgentEvent);
            if (agentEvent is null)
                _logger.EventWithoutContent(serverSentEvent.Type);
            return agentEvent;
        }
        catch (Exception error) when (error is JsonException or NotSupportedException)
        {
            var data = serverSentEvent.Data.Length > MaxLoggedDataChars ? serverSentEvent.Data[..MaxLoggedDataChars] + "…" : serverSentEvent.Data;
            _logger.EventNotAnAgentEvent(serverSentEvent.Type, error.Message, data);
            return null;
        }
    }

    private void Report(IScheduler scheduler, EventStreamState state, string? reason = null, TimeSpan? retryIn = null)
        => _status.OnNext(new EventStreamStatus(scheduler.Now, state, reason, retryIn));
}
