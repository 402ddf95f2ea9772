using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reactive.Concurrency;
using System.Text.Json;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;
using Agent.Reactive.Statistics;
using Agent.Runtime.Api;
using Agent.Specs.Utilities;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Specs.Runtime.Api;

/// <summary>The real server on a Unix socket and a loopback port, driven by curl and real listening processes.</summary>
public sealed class AgentApiServerSpecs : IAsyncLifetime
{
    private static readonly DateTimeOffset At = new(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private readonly TempDirectory _directory = new();
    private readonly AgentEventFeed _feed = new();
    private readonly AgentCounters _counters = new();
    private readonly List<Process> _processes = [];
    private AgentApiServer _server = null!;

    private string Url => $"http://{_server.TcpEndpoints[0]}";

    public async Task InitializeAsync()
    {
        _feed.Publish(new LifecycleChanged(At, LifecycleState.Starting));
        _feed.Publish(new LifecycleChanged(At, LifecycleState.Ready));
        _server = await StartAsync(new AgentApiOptions
        {
            UnixSocketPath = _directory.Combine("api.sock"),
            TcpEndpoint = new IPEndPoint(IPAddress.Loopback, 0),
        });
    }

    public async Task DisposeAsync()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
            process.Dispose();
        }

        await _server.DisposeAsync();
        _feed.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task Hello_OverTcpAndUnixSocket_Answers()
    {
        var tcp = await ApiCurl.GetAsync(Url + "/");
        var unix = await ApiCurl.GetAsync("http://agent/", "--unix-socket", _server.UnixSocketPath);

        Assert.Equal((200, "Hello from the agent!"), (tcp.Status, tcp.Message()));
        Assert.Equal((200, "Hello from the agent!"), (unix.Status, unix.Message()));
        Assert.Equal(_directory.Combine("api.sock"), _server.UnixSocketPath);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_server.UnixSocketPath));
        Assert.NotEqual(0, _server.TcpEndpoints[0].Port);
    }

    [Theory]
    [InlineData("evil.example")]
    [InlineData("evil.example:8080")]
    [InlineData("192.168.1.2")]
    public async Task AnyRequestOverTcp_HostNotALoopbackName_421(string host)
    {
        var hello = await ApiCurl.GetAsync(Url + "/", "-H", $"Host: {host}");
        var ports = await ApiCurl.GetAsync(Url + "/api/v0/listening-ports", "-H", $"Host: {host}");

        Assert.Equal((421, 421), (hello.Status, ports.Status));
        Assert.Equal("Host not allowed.", hello.Message());
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("localhost:1")]
    [InlineData("127.0.0.1:1")]
    [InlineData("[::1]:1")]
    public async Task AnyRequestOverTcp_LoopbackHost_Answers(string host)
        => Assert.Equal(200, (await ApiCurl.GetAsync(Url + "/", "-H", $"Host: {host}")).Status);

    [Fact]
    public async Task AnyRequestOverTheUnixSocket_AnyHost_Answers()
    {
        // The relay's port 4 reaches the API through the socket with whatever name its client used.
        var result = await ApiCurl.GetAsync("http://evil.example/", "--unix-socket", _server.UnixSocketPath);

        Assert.Equal(200, result.Status);
    }

    [Theory]
    [InlineData("http://evil.example")]
    [InlineData("null")]
    public async Task Events_ForeignOrigin_403(string origin)
    {
        var result = await ApiCurl.GetAsync(Url + "/api/v0/events", "-H", $"Origin: {origin}");

        Assert.Equal(403, result.Status);
    }

    [Fact]
    public async Task Post_AnyPath_IsNotAllowed()
    {
        var result = await ApiCurl.GetAsync(Url + "/metrics", "-X", "POST");

        Assert.Equal(405, result.Status);
    }

    [Fact]
    public async Task ListeningPorts_PythonServersOnIpv6AnyAndIpv4Loopback_AppearAsPython3()
    {
        var v6 = FreePort.Next();
        var v4 = FreePort.Next();
        Start("python3", "-m", "http.server", "--bind", "::", v6.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Start("python3", "-m", "http.server", "--bind", "127.0.0.1", v4.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var ports = await Eventually.WaitAsync(
            async () => Ports(await ApiCurl.GetAsync(Url + "/api/v0/listening-ports")),
            found => found!.Any(port => port.Port == v6) && found!.Any(port => port.Port == v4),
            "both python servers in listening-ports");

        Assert.Equal(new ListeningPort("python3", "tcp", v6), ports.Single(port => port.Port == v6));
        Assert.Equal(new ListeningPort("python3", "tcp", v4), ports.Single(port => port.Port == v4));
        Assert.Equal(ports.Select(port => port.Port).Order(), ports.Select(port => port.Port));
        Assert.DoesNotContain(ports, port => port.Port < ListeningPortScanner.MinimumPort);
    }

    [Fact]
    public async Task ListeningPorts_OwnListeners_AreLeftOut()
    {
        using var own = new TcpListener(IPAddress.IPv6Any, 0);
        own.Start();
        var ownPort = ((IPEndPoint)own.LocalEndpoint).Port;
        var other = FreePort.Next();
        Start("python3", "-m", "http.server", "--bind", "127.0.0.1", other.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var ports = await Eventually.WaitAsync(
            async () => Ports(await ApiCurl.GetAsync(Url + "/api/v0/listening-ports")),
            found => found!.Any(port => port.Port == other),
            "the python server in listening-ports");

        Assert.DoesNotContain(ports, port => port.Port == ownPort);
        Assert.DoesNotContain(ports, port => port.Port == _server.TcpEndpoints[0].Port);
    }

    [Fact]
    public async Task ListeningPorts_UnreadableProc_Answers500()
    {
        await using var broken = await StartAsync(new AgentApiOptions
        {
            UnixSocketPath = _directory.Combine("broken.sock"),
            ProcRoot = _directory.Combine("no-proc"),
        });

        var result = await ApiCurl.GetAsync("http://agent/api/v0/listening-ports", "--unix-socket", broken.UnixSocketPath);

        Assert.Equal(500, result.Status);
        Assert.Equal("Could not scan for listening ports.", result.Message());
        Assert.False(string.IsNullOrEmpty(JsonDocument.Parse(result.Body).RootElement.GetProperty("detail").GetString()));
        Assert.Empty(broken.TcpEndpoints);
    }

    [Fact]
    public async Task Metrics_OverTcp_IsPrometheusTextWithLifecycleAndCounters()
    {
        _counters.ConnectionOpened("TCP");
        _counters.AddReceived(1234);
        _feed.Publish(new MetadataCollected(At, "cpu", "CPU", new MetadataResult(At, 0, string.Empty, "exit status 1")));

        var result = await ApiCurl.GetAsync(Url + "/metrics", "-D", _directory.Combine("headers"));
        var lines = result.Body.Split('\n');

        Assert.Equal(200, result.Status);
        Assert.Contains("content-type: text/plain; version=0.0.4", File.ReadAllText(_directory.Combine("headers")), StringComparison.OrdinalIgnoreCase);
        var ready = Assert.Single(lines, line => line.StartsWith("agent_lifecycle_state{state=\"ready\"}", StringComparison.Ordinal));
        Assert.Equal("1", ready.Split(' ')[1]);
        Assert.Contains("agent_rx_bytes_total 1234", lines);
        Assert.Contains("agent_connections_total{protocol=\"TCP\"} 1", lines);
        Assert.Contains("agent_metadata_errors_total{key=\"cpu\"} 1", lines);
    }

    [Fact]
    public async Task Events_CurlNoBuffer_SeesTheSnapshotThenLiveEvents()
    {
        var curl = Start("curl", "-sS", "-N", "--noproxy", "*", "--max-time", "20", Url + "/api/v0/events");
        using var deadline = new CancellationTokenSource(ApiCurl.Deadline);

        var first = await ReadEventAsync(curl.StandardOutput, deadline.Token);
        var second = await ReadEventAsync(curl.StandardOutput, deadline.Token);
        _feed.Publish(new LogLine(At, "startup", "live line"));
        var live = await ReadEventAsync(curl.StandardOutput, deadline.Token);

        Assert.Equal(("lifecycle", "starting"), (first.Name, first.Data.GetProperty("state").GetString()));
        Assert.Equal(("lifecycle", "ready"), (second.Name, second.Data.GetProperty("state").GetString()));
        Assert.Equal(("log", "live line"), (live.Name, live.Data.GetProperty("output").GetString()));
    }

    [Fact]
    public async Task Events_ServerStops_StreamEnds()
    {
        using var client = new HttpClient { Timeout = ApiCurl.Deadline };
        using var deadline = new CancellationTokenSource(ApiCurl.Deadline);
        using var response = await client.GetAsync(Url + "/api/v0/events", HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(deadline.Token));
        await ReadEventAsync(reader, deadline.Token);

        await _server.StopAsync();
        var ended = reader.ReadToEndAsync(deadline.Token);
        await ended;

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.True(ended.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Create_NonLoopbackAddress_IsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => AgentApiServer.Create(
            Sources(),
            new AgentApiOptions { UnixSocketPath = _directory.Combine("x.sock"), TcpEndpoint = new IPEndPoint(IPAddress.Any, 0) },
            NullLoggerFactory.Instance));

        Assert.Contains("loopback", error.Message, StringComparison.Ordinal);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Create_PathLongerThanSunPath_FallsBackToAFreshPrivateDirectory()
    {
        var longPath = _directory.Combine(new string('d', 60), new string('e', 60), "api.sock");

        string fallback;
        await using (var server = await StartAsync(new AgentApiOptions { UnixSocketPath = longPath }))
        {
            fallback = server.UnixSocketPath;
            var result = await ApiCurl.GetAsync("http://agent/", "--unix-socket", server.UnixSocketPath);

            Assert.Equal(200, result.Status);
            Assert.NotEqual(longPath, fallback);
            Assert.True(System.Text.Encoding.UTF8.GetByteCount(fallback) <= 107);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(fallback)!));
        }

        Assert.False(Directory.Exists(Path.GetDirectoryName(fallback)));
    }

    [Fact]
    public async Task Create_DirectoryOpenToOthers_FallsBackToAFreshPrivateDirectory()
    {
        var open = Directory.CreateDirectory(_directory.Combine("open")).FullName;
        File.SetUnixFileMode(open, (UnixFileMode)0x1ED); // 0755

        await using var server = await StartAsync(new AgentApiOptions { UnixSocketPath = Path.Join(open, "api.sock") });

        Assert.NotEqual(open, Path.GetDirectoryName(server.UnixSocketPath));
        Assert.False(File.Exists(Path.Join(open, "api.sock")));
    }

    [Fact]
    public async Task Create_MissingDirectory_IsMadePrivate()
    {
        var path = _directory.Combine("new", "api.sock");

        await using var server = await StartAsync(new AgentApiOptions { UnixSocketPath = path });

        Assert.Equal(path, server.UnixSocketPath);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_directory.Combine("new")));
    }

    [Fact]
    public async Task Create_SocketPathServedByAnotherServer_IsRefused()
    {
        var error = Assert.Throws<IOException>(() => AgentApiServer.Create(
            Sources(),
            new AgentApiOptions { UnixSocketPath = _server.UnixSocketPath },
            NullLoggerFactory.Instance));

        Assert.Contains("already answers", error.Message, StringComparison.Ordinal);
        await Task.CompletedTask;
    }

    private static IReadOnlyList<ListeningPort> Ports(Agent.Specs.Runtime.ControlPlane.CurlResult result)
    {
        Assert.Equal(200, result.Status);
        return JsonSerializer.Deserialize(result.Body, AgentApiJsonContext.Default.ListeningPortsResponse)!.Ports;
    }

    private static async Task<(string Name, JsonElement Data)> ReadEventAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        string? name = null;
        while (true)
        {
            var line = await reader.ReadLineAsync(cancellationToken) ?? throw new EndOfStreamException("the event stream ended");
            if (line.StartsWith("event: ", StringComparison.Ordinal))
                name = line["event: ".Length..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && name is not null)
                return (name, JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone());
        }
    }

    private AgentApiSources Sources() => new(_feed, _counters, Scheduler.Default, Environment.ProcessId);

    private async Task<AgentApiServer> StartAsync(AgentApiOptions options)
    {
        var server = AgentApiServer.Create(Sources(), options, NullLoggerFactory.Instance);
        await server.StartAsync(CancellationToken.None);
        return server;
    }

    private Process Start(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        _processes.Add(process);
        return process;
    }
}
