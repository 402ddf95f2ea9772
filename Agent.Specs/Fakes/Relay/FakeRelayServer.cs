using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Agent.Reactive.Protocol;
using Agent.Runtime.ControlPlane;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using DuplexWebSocketStream = Agent.Runtime.Relay.WebSockets.DuplexWebSocketStream;

namespace Agent.Specs.Fakes.Relay;

/// <summary>
/// The control plane's client endpoints on Kestrel (127.0.0.1, a free port), as docs/relay-protocol.md describes them:
/// <c>/connect</c> checks the token and the agent, answers failures with a JSON body and <c>X-Relay-Error</c>, and
/// on the ports below behaves like an agent's service; <c>GET /api/v2/workspaceagents</c> lists <see cref="Agents"/>.
/// </summary>
public sealed class FakeRelayServer : IAsyncDisposable
{
    public const string Token = "user-token-5e3a";
    public const string AgentName = "main";

    /// <summary>Echoes every byte; after the client's half-close it closes its own direction (normal close).</summary>
    public const int EchoPort = 7000;

    /// <summary>Sends <see cref="Greeting"/> and closes its direction at once, reading on.</summary>
    public const int GreetingPort = 7001;

    /// <summary>Fails the stream (close 1011, <see cref="FailureReason"/>) once the first bytes arrive.</summary>
    public const int FailingPort = 7002;

    /// <summary>502 with the agent's message in <c>X-Relay-Error</c>.</summary>
    public const int UnreachablePort = 7003;

    /// <summary>504 without an <c>X-Relay-Error</c> header.</summary>
    public const int SilentTimeoutPort = 7004;

    /// <summary>Never answers the upgrade (until the client gives up).</summary>
    public const int HangingPort = 7005;

    public const string Greeting = "hello from the workspace\n";
    public const string FailureReason = "agent disconnected";
    public const string UnreachableMessage = "nothing answered on 127.0.0.1:7003";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<int> _dials = new();
    private int _openStreams;

    private FakeRelayServer(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>What <c>GET /api/v2/workspaceagents</c> answers (in this order).</summary>
    public List<AgentSummary> Agents { get; } = [];

    /// <summary>The ports of every accepted or refused <c>/connect</c>, in arrival order.</summary>
    public IReadOnlyCollection<int> Dials => _dials;

    /// <summary>Upgraded streams not yet finished.</summary>
    public int OpenStreams => Volatile.Read(ref _openStreams);

    public static async Task<FakeRelayServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.UseWebSockets();
        var server = new FakeRelayServer(app);
        app.Map("/api/v2/workspaceagents/{name}/connect", server.ConnectAsync);
        app.MapGet("/api/v2/workspaceagents", server.ListAsync);
        await app.StartAsync();
        server.BaseUrl = new Uri(app.Urls.Single());
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static async Task RefuseAsync(HttpContext context, int status, string message, bool withHeader = true)
    {
        context.Response.StatusCode = status;
        if (withHeader)
            context.Response.Headers["X-Relay-Error"] = message;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new ErrorResponse(message, "from the fake"), AgentJsonContext.Default.ErrorResponse));
    }

    private async Task ListAsync(HttpContext context)
    {
        if (context.Request.Headers["Coder-Session-Token"] != Token)
        {
            await RefuseAsync(context, 401, "Invalid user token.", withHeader: false);
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize<IReadOnlyList<AgentSummary>>(Agents, ControlPlaneJsonContext.Default.IReadOnlyListAgentSummary));
    }

    private async Task ConnectAsync(HttpContext context)
    {
        _ = int.TryParse(context.Request.Query["port"], out var port);
        _dials.Enqueue(port);
        if (context.Request.Headers["Coder-Session-Token"] != Token)
        {
            await RefuseAsync(context, 401, "Invalid user token.");
            return;
        }

        if ((string?)context.Request.RouteValues["name"] != AgentName)
        {
            await RefuseAsync(context, 404, "Workspace agent not found.");
            return;
        }

        switch (port)
        {
            case < 1 or > 65535:
                await RefuseAsync(context, 400, $"bad port \"{context.Request.Query["port"]}\"");
                return;
            case UnreachablePort:
                await RefuseAsync(context, 502, UnreachableMessage);
                return;
            case SilentTimeoutPort:
                await RefuseAsync(context, 504, "ignored", withHeader: false);
                return;
            case HangingPort:
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return;
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            await RefuseAsync(context, 400, "not a WebSocket request");
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        await using var stream = new DuplexWebSocketStream(socket);
        Interlocked.Increment(ref _openStreams);
        try
        {
            await ServeAsync(port, stream, context.RequestAborted);
        }
        catch (IOException)
        {
            // The client went away; nothing to serve.
        }
        catch (OperationCanceledException)
        {
            // The server is stopping.
        }
        finally
        {
            Interlocked.Decrement(ref _openStreams);
        }
    }

    private static async Task ServeAsync(int port, DuplexWebSocketStream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        switch (port)
        {
            case GreetingPort:
                await stream.WriteAsync(Encoding.UTF8.GetBytes(Greeting), cancellationToken);
                await stream.CompleteWritesAsync();
                while (await stream.ReadAsync(buffer, cancellationToken) > 0)
                {
                }

                return;
            case FailingPort:
                _ = await stream.ReadAsync(buffer, cancellationToken);
                await stream.FailAsync(FailureReason);
                while (await stream.ReadAsync(buffer, cancellationToken) > 0)
                {
                }

                return;
            default:
                int read;
                while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
                    await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                await stream.CompleteWritesAsync();
                return;
        }
    }
}
