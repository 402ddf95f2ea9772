namespace Agent.Specs.Integration.PortProxy;

/// <summary><c>agent dev</c> as README starts it, and two servers in its workspace: an echo of what arrived and a WebSocket echo.</summary>
public sealed class PortProxyFixture : IAsyncLifetime
{
    private RunningProcess? _echo;
    private RunningProcess? _websocket;
    private RunningProcess? _files;

    public IntegrationHarness Harness { get; } = new();

    public int EchoPort { get; private set; }

    public int WebSocketPort { get; private set; }

    /// <summary><c>python3 -m http.server</c> serving a directory with <see cref="ListedFile"/> in it.</summary>
    public int FilesPort { get; private set; }

    public string ListedFile => "proxied-hello.txt";

    /// <summary><c>http://{port}--main.localhost:{server port}</c>.</summary>
    public string Origin(int port, string agent = IntegrationHarness.AgentName) => $"http://{port}--{agent}.localhost:{Harness.Port}";

    public async Task InitializeAsync()
    {
        Harness.WriteWorkspace(Manifests.With());
        (_echo, EchoPort) = await WorkspaceServers.StartAsync(Harness, "echo");
        (_websocket, WebSocketPort) = await WorkspaceServers.StartAsync(Harness, "websocket");
        var files = Directory.CreateDirectory(Harness.Combine("served")).FullName;
        await File.WriteAllTextAsync(Path.Join(files, ListedFile), "hello");
        (_files, FilesPort) = await Relay.RelayFixture.StartHttpServerAsync("127.0.0.1", files);
        await Harness.StartDevAsync();
    }

    public async Task DisposeAsync()
    {
        _echo?.Dispose();
        _websocket?.Dispose();
        _files?.Dispose();
        await Harness.DisposeAsync();
    }
}
