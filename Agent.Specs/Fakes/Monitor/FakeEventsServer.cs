using System.Net;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Agent.Reactive.Monitoring;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Agent.Specs.Fakes.Monitor;

/// <summary>
/// The control plane's events endpoint on Kestrel (127.0.0.1, a free port): checks the token and the agent
/// name as the real one does, sends the snapshot first, then whatever the spec publishes, until the spec
/// drops the connections.
/// </summary>
public sealed class FakeEventsServer : IAsyncDisposable
{
    public const string Token = "user-token";
    public const string AgentName = "main";

    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly List<Channel<string>> _streams = [];
    private readonly List<(Func<bool> Condition, TaskCompletionSource Done)> _waiters = [];
    private CancellationTokenSource _drop = new();
    private int _requests;
    private int _streamsOpened;

    private FakeEventsServer(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Events every new stream starts with.</summary>
    public List<AgentEvent> Snapshot { get; } = [];

    /// <summary>When set, the endpoint answers 200 with this content type and no stream.</summary>
    public string? WrongContentType { get; set; }

    public int Requests => Volatile.Read(ref _requests);

    public int StreamsOpened => Volatile.Read(ref _streamsOpened);

    public static async Task<FakeEventsServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new FakeEventsServer(app);
        app.Map("/api/v2/workspaceagents/{name}/events", server.HandleAsync);
        await app.StartAsync();
        var address = app.Urls.Single();
        server.BaseUrl = new Uri(address);
        return server;
    }

    /// <summary>Completes once <paramref name="count"/> streams have been opened in all; fails after the deadline.</summary>
    public Task StreamsOpenedAsync(int count) => WaitUntilAsync(() => StreamsOpened >= count);

    /// <summary>Completes once exactly <paramref name="count"/> streams are open; fails after the deadline.</summary>
    public Task OpenStreamsAsync(int count) => WaitUntilAsync(() => _streams.Count == count);

    /// <summary>Sends <paramref name="agentEvent"/> to every open stream.</summary>
    public void Publish(AgentEvent agentEvent)
        => SendRaw($"event: {Type(agentEvent)}\ndata: {JsonSerializer.Serialize(agentEvent, MonitoringJsonContext.Default.AgentEvent)}\n\n");

    /// <summary>Sends raw event-stream text to every open stream.</summary>
    public void SendRaw(string text)
    {
        lock (_gate)
        {
            foreach (var stream in _streams)
                stream.Writer.TryWrite(text);
        }
    }

    /// <summary>Ends every open stream (the response completes, as when the server goes away).</summary>
    public void DropAll()
    {
        CancellationTokenSource dropped;
        lock (_gate)
        {
            dropped = _drop;
            _drop = new CancellationTokenSource();
        }

        dropped.Cancel();
        dropped.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        DropAll();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private Task WaitUntilAsync(Func<bool> condition)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (condition())
                return Task.CompletedTask;
            _waiters.Add((condition, done));
        }

        return done.Task.WaitAsync(MonitorRecorder<object>.Deadline);
    }

    private void Notify()
    {
        lock (_gate)
        {
            foreach (var waiter in _waiters.Where(waiter => waiter.Condition()).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Done.TrySetResult();
            }
        }
    }

    private static string Type(AgentEvent agentEvent) => agentEvent switch
    {
        ConnectionChanged => "connection",
        StartupReported => "startup",
        LifecycleChanged => "lifecycle",
        LogLine => "log",
        MetadataCollected => "metadata",
        AppHealthChanged => "app_health",
        _ => "stats",
    };

    private static Task RefuseAsync(HttpContext context, HttpStatusCode status, string message)
    {
        context.Response.StatusCode = (int)status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync($"{{\"message\":\"{message}\"}}");
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        if (context.Request.Headers["Coder-Session-Token"] != Token)
        {
            await RefuseAsync(context, HttpStatusCode.Unauthorized, "Invalid session token.");
            return;
        }

        if ((string?)context.Request.RouteValues["name"] != AgentName)
        {
            await RefuseAsync(context, HttpStatusCode.NotFound, "Agent not found.");
            return;
        }

        if (WrongContentType is { } contentType)
        {
            context.Response.ContentType = contentType;
            await context.Response.WriteAsync("<html>not a stream</html>");
            return;
        }

        var channel = Channel.CreateBounded<string>(1000);
        CancellationToken drop;
        lock (_gate)
        {
            drop = _drop.Token;
            _streams.Add(channel);
            var snapshot = new StringBuilder(": ping\n\n");
            foreach (var agentEvent in Snapshot)
                snapshot.Append($"event: {Type(agentEvent)}\ndata: {JsonSerializer.Serialize(agentEvent, MonitoringJsonContext.Default.AgentEvent)}\n\n");
            channel.Writer.TryWrite(snapshot.ToString());
        }

        using var ended = CancellationTokenSource.CreateLinkedTokenSource(drop, context.RequestAborted);
        try
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.StartAsync(ended.Token);
            Interlocked.Increment(ref _streamsOpened);
            Notify();
            await foreach (var text in channel.Reader.ReadAllAsync(ended.Token))
            {
                await context.Response.WriteAsync(text, ended.Token);
                await context.Response.Body.FlushAsync(ended.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // Dropped by the spec or closed by the client: the response ends here.
        }
        finally
        {
            lock (_gate)
                _streams.Remove(channel);
            Notify();
        }
    }
}
