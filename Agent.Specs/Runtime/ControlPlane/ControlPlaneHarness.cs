using Agent.Reactive.Protocol;
using Agent.Runtime.ControlPlane;
using Agent.Runtime.ControlPlane.Server;
using Agent.Runtime.ControlPlane.Persistence;
using Agent.Specs.Fakes.ControlPlane;
using Agent.Runtime.ControlPlaneClient;
using Microsoft.Extensions.Logging;

namespace Agent.Specs.Runtime.ControlPlane;

/// <summary>
/// A real embedded control plane on 127.0.0.1:0 with two agents, driven by <see cref="HttpControlPlaneClient"/>,
/// plain <see cref="HttpClient"/> and real <c>curl</c> processes. Every log message is captured so specs can
/// check that tokens never reach the log.
/// </summary>
internal sealed class ControlPlaneHarness : IAsyncDisposable
{
    public const string UserToken = "user-token-7d1f";
    public static readonly Guid MainToken = Guid.Parse("0b6a4c1e-8d2f-4e5a-9c3b-1a2b3c4d5e6f");
    public static readonly Guid OtherToken = Guid.Parse("1c7b5d2f-9e3a-4f6b-8d4c-2b3c4d5e6f70");
    public static readonly Guid WebAppId = Guid.Parse("3f2b9a64-5d1e-4c3a-9b7f-0e8d6c5a4b21");
    public static readonly Guid DocsAppId = Guid.Parse("4a3e0f5e-0000-4000-8000-000000000002");
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private readonly List<HttpClient> _clients = [];
    private readonly ILoggerFactory _loggerFactory;

    private ControlPlaneHarness(ControlPlaneServer server, ILoggerFactory loggerFactory, CapturingLoggerProvider logs)
    {
        Server = server;
        _loggerFactory = loggerFactory;
        Logs = logs;
    }

    public ControlPlaneServer Server { get; }

    public CapturingLoggerProvider Logs { get; }

    public Uri Address => Server.Address;

    public static WorkspaceDefinition Workspace() => new()
    {
        UserTokens = [UserToken],
        Agents =
        [
            new WorkspaceAgentDefinition { Name = "main", Token = MainToken.ToString(), Manifest = MainManifest() },
            new WorkspaceAgentDefinition { Name = "other", Token = OtherToken.ToString(), Manifest = new Manifest { StartupScript = "echo other" } },
        ],
    };

    public static Manifest MainManifest() => new()
    {
        StartupScript = "echo hello",
        StartupScriptTimeout = TimeSpan.FromSeconds(60),
        ShutdownScript = "echo bye",
        ShutdownScriptTimeout = TimeSpan.FromSeconds(10),
        Directory = "~/src",
        EnvironmentVariables = new Dictionary<string, string> { ["GREETING"] = "hi" },
        Apps =
        [
            new WorkspaceApp
            {
                Id = WebAppId,
                Slug = "web",
                Url = "http://127.0.0.1:8000",
                Healthcheck = new Healthcheck { Url = "http://127.0.0.1:8000", Interval = 2, Threshold = 3 },
                Health = AppHealth.Initializing,
            },
            new WorkspaceApp { Id = DocsAppId, Slug = "docs", Url = "https://example.com", External = true },
        ],
        Metadata =
        [
            new MetadataDescription { Key = "cpu", DisplayName = "CPU load", Script = "cat /proc/loadavg", Interval = 2, Timeout = 1 },
            new MetadataDescription { Key = "host", DisplayName = "Hostname", Script = "uname -n" },
        ],
    };

    public static async Task<ControlPlaneHarness> StartAsync(ControlPlaneOptions? options = null, WorkspaceDefinition? workspace = null, IControlPlaneDatabase? database = null)
    {
        var logs = new CapturingLoggerProvider();
        var loggerFactory = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        using var deadline = new CancellationTokenSource(Deadline);
        var server = (await PersistentControlPlane.CreateAsync(
            workspace ?? Workspace(), (options ?? new ControlPlaneOptions()) with { Address = "127.0.0.1:0" }, database ?? new FakeControlPlaneDatabase(), loggerFactory, deadline.Token)).Server;
        await server.StartAsync(deadline.Token);
        return new ControlPlaneHarness(server, loggerFactory, logs);
    }

    public HttpControlPlaneClient Agent(Guid? token = null) => Agent((token ?? MainToken).ToString());

    public HttpControlPlaneClient Agent(string token)
        => new(NewHttpClient(), token, _loggerFactory.CreateLogger<HttpControlPlaneClient>());

    /// <summary>An HTTP client for the user API, with the user token in the session header.</summary>
    public HttpClient User(string token = UserToken)
    {
        var http = NewHttpClient();
        http.DefaultRequestHeaders.Add(SessionTokenHeader.Name, token);
        return http;
    }

    /// <summary>Runs <c>curl</c> against <paramref name="path"/> (relative to the server) with extra arguments.</summary>
    public Task<CurlResult> CurlAsync(string path, params string[] arguments)
        => Api.ApiCurl.GetAsync(new Uri(Address, path).ToString(), arguments);

    /// <summary><c>curl</c> with the main agent's token in the session header.</summary>
    public Task<CurlResult> CurlAsAgentAsync(string method, string path, string? json = null, Guid? token = null)
    {
        var arguments = new List<string> { "-X", method, "-H", $"{SessionTokenHeader.Name}: {token ?? MainToken}" };
        if (json is not null)
            arguments.AddRange(["-H", "Content-Type: application/json", "--data-binary", json]);
        return CurlAsync(path, [.. arguments]);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
            client.Dispose();
        await Server.DisposeAsync();
        _loggerFactory.Dispose();
    }

    private HttpClient NewHttpClient()
    {
        var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
        _clients.Add(http);
        return http;
    }
}
