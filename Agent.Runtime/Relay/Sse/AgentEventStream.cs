using Agent.Reactive.Monitoring;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Runtime.Relay.Sse;

/// <summary>
/// Writes an agent's events as Server-Sent Events: <c>event: &lt;type&gt;</c> and <c>data: &lt;one-line JSON&gt;</c>,
/// the snapshot first, then live events, and a <c>: ping</c> comment whenever the stream was idle for the ping
/// interval. What waits for a slow client is bounded in bytes (<see cref="EventStreamQueue"/>: latest values are
/// coalesced); a client that falls further behind is told so when it can still be written to and its connection
/// closed (aborted when even that notice cannot go out), and it reconnects and starts again from a snapshot.
/// </summary>
internal static class AgentEventStream
{
    /// <summary>How long the "too far behind" notice may take to go out before the connection is aborted.</summary>
    private static readonly TimeSpan NoticeTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Streams <paramref name="events"/> until the client leaves, <paramref name="stopping"/> fires, the events
    /// complete or more than <paramref name="queueBytes"/> wait beyond the snapshot (also the agent's own HTTP API,
    /// <c>GET /api/v0/events</c>).
    /// </summary>
    public static Task WriteAsync(HttpContext context, IObservable<AgentEvent> events, long queueBytes, TimeSpan pingInterval, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(events);
        return WriteAsync(context, queue => events.Subscribe(queue.Add, _ => queue.Complete(), queue.Complete), queueBytes, pingInterval, stopping);
    }

    /// <summary>
    /// As above for any source of formatted events: <paramref name="subscribe"/> feeds the queue (its snapshot before
    /// it returns) until the result is disposed.
    /// </summary>
    public static async Task WriteAsync(HttpContext context, Func<EventStreamQueue, IDisposable> subscribe, long queueBytes, TimeSpan pingInterval, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(subscribe);
        using var queue = new EventStreamQueue(queueBytes);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        using var writing = CancellationTokenSource.CreateLinkedTokenSource(cancel.Token, queue.GaveUp);
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        using (var subscription = subscribe(queue))
        {
            queue.SnapshotTaken();
            try
            {
                await response.StartAsync(writing.Token);
                await response.Body.FlushAsync(writing.Token);
                await PumpAsync(response, queue, pingInterval, cancel.Token, writing.Token);
            }
            catch (OperationCanceledException) when (queue.GaveUp.IsCancellationRequested && !cancel.IsCancellationRequested)
            {
                // A write to the client was stuck when the queue gave up: Kestrel aborts the connection.
            }
            catch (OperationCanceledException)
            {
                // The client went away or the server is stopping: the stream simply ends.
                return;
            }
            catch (IOException)
            {
                // The connection broke while writing.
                return;
            }
        }

        if (queue.BytesWhenGivenUp > 0)
            await GiveUpAsync(context, queue.BytesWhenGivenUp, queueBytes, cancel.Token);
    }

    private static async Task PumpAsync(HttpResponse response, EventStreamQueue queue, TimeSpan pingInterval, CancellationToken waiting, CancellationToken writing)
    {
        Task<bool>? ringing = null;
        var ended = false;
        while (true)
        {
            var wrote = false;
            while (queue.TryTake(out var frame))
            {
                await response.Body.WriteAsync(frame, writing);
                wrote = true;
            }

            if (wrote)
                await response.Body.FlushAsync(writing);
            if (ended)
                return;

            ringing ??= queue.WaitAsync(waiting).AsTask();
            try
            {
                // A queue that ended is read to its end once more (it is empty when it gave up).
                ended = !await ringing.WaitAsync(pingInterval, waiting);
                queue.Acknowledge();
                ringing = null;
            }
            catch (TimeoutException)
            {
                await response.WriteAsync(": ping\n\n", writing);
                await response.Body.FlushAsync(writing);
            }
        }
    }

    /// <summary>Logs the drop and tells the client, or aborts its connection when even the notice cannot go out.</summary>
    private static async Task GiveUpAsync(HttpContext context, long behind, long budget, CancellationToken cancellationToken)
    {
        var logger = context.RequestServices.GetService<ILoggerFactory>()?.CreateLogger(typeof(AgentEventStream)) ?? NullLogger.Instance;
        EventStreamLog.ClientTooFarBehind(logger, context.Connection.RemoteIpAddress?.ToString() ?? "unix socket", context.Request.Path, behind, budget);
        using var notice = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        notice.CancelAfter(NoticeTimeout);
        try
        {
            await context.Response.WriteAsync(
                $": too far behind ({behind} bytes waiting, at most {budget}), reconnect for a fresh snapshot\n\n",
                notice.Token);
            await context.Response.Body.FlushAsync(notice.Token);
            context.Features.Get<IConnectionLifetimeNotificationFeature>()?.RequestClose();
        }
        catch (Exception failure) when (failure is OperationCanceledException or IOException or InvalidOperationException)
        {
            context.Abort();
        }
    }
}
