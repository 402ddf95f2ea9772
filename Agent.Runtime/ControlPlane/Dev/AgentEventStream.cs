using System.Text.Json;
using System.Threading.Channels;
using Agent.Reactive.Monitoring;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Agent.Runtime.ControlPlane.Dev;

/// <summary>
/// Writes an agent's events as Server-Sent Events: <c>event: &lt;type&gt;</c> and <c>data: &lt;one-line JSON&gt;</c>,
/// the snapshot first, then live events, and a <c>: ping</c> comment whenever the stream was idle for the ping
/// interval. A client that falls more than the queue length behind is told so and disconnected; it reconnects
/// and starts again from a snapshot.
/// </summary>
internal static class AgentEventStream
{
    /// <summary>The SSE event name of each event type: the JSON type discriminator of <see cref="AgentEvent"/>.</summary>
    private static readonly Dictionary<Type, string> EventNames =
        (MonitoringJsonContext.Default.AgentEvent.PolymorphismOptions?.DerivedTypes ?? [])
            .ToDictionary(derived => derived.DerivedType, derived => derived.TypeDiscriminator?.ToString() ?? "event");

    public static Task WriteAsync(HttpContext context, ControlPlaneAgent agent, ControlPlaneOptions options, CancellationToken stopping)
        => WriteAsync(context, agent.Events, options.EventQueueLength, options.EventPingInterval, stopping);

    /// <summary>
    /// Streams <paramref name="events"/> until the client leaves, <paramref name="stopping"/> fires or the events
    /// complete (also the agent's own HTTP API, <c>GET /api/v0/events</c>).
    /// </summary>
    public static async Task WriteAsync(HttpContext context, IObservable<AgentEvent> events, int queueLength, TimeSpan pingInterval, CancellationToken stopping)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var cancellationToken = cancel.Token;
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        var queue = Channel.CreateBounded<AgentEvent>(new BoundedChannelOptions(queueLength)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        var overflowed = 0;
        using var subscription = events.Subscribe(
            agentEvent =>
            {
                if (!queue.Writer.TryWrite(agentEvent))
                {
                    Volatile.Write(ref overflowed, 1);
                    queue.Writer.TryComplete();
                }
            },
            error => queue.Writer.TryComplete(error),
            () => queue.Writer.TryComplete());

        try
        {
            await response.StartAsync(cancellationToken);
            await response.Body.FlushAsync(cancellationToken);
            Task<bool>? waiting = null;
            while (true)
            {
                var wrote = false;
                while (queue.Reader.TryRead(out var agentEvent))
                {
                    await response.WriteAsync(Format(agentEvent), cancellationToken);
                    wrote = true;
                }

                if (wrote)
                    await response.Body.FlushAsync(cancellationToken);

                waiting ??= queue.Reader.WaitToReadAsync(cancellationToken).AsTask();
                try
                {
                    if (!await waiting.WaitAsync(pingInterval, cancellationToken))
                        break;
                    waiting = null;
                }
                catch (TimeoutException)
                {
                    await response.WriteAsync(": ping\n\n", cancellationToken);
                    await response.Body.FlushAsync(cancellationToken);
                }
            }

            if (Volatile.Read(ref overflowed) == 1)
            {
                await response.WriteAsync(": too far behind, reconnect for a fresh snapshot\n\n", cancellationToken);
                await response.Body.FlushAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away or the server is stopping: the stream simply ends.
        }
        catch (IOException)
        {
            // The connection broke while writing.
        }
    }

    /// <summary>One SSE event; the JSON is on one line because the serializer escapes every control character.</summary>
    internal static string Format(AgentEvent agentEvent)
    {
        var name = EventNames.GetValueOrDefault(agentEvent.GetType(), "event");
        var json = JsonSerializer.Serialize(agentEvent, MonitoringJsonContext.Default.AgentEvent);
        return $"event: {name}\ndata: {json}\n\n";
    }
}
