using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reactive.Concurrency;
using System.Text;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Statistics;
using Agent.Runtime.Api;
using Agent.Specs.Utilities;
using Microsoft.Extensions.Logging;

namespace Agent.Specs.Runtime.Api;

/// <summary>
/// The API listens from <see cref="AgentApiServer.StartAsync"/> but builds and starts Kestrel only on its first
/// connection: real sockets, real curl, the kernel's own view of the descriptors in /proc.
/// </summary>
public sealed class AgentApiLazyStartSpecs : IAsyncLifetime
{
    private const int OpenCloseOnExec = 0x80000; // O_CLOEXEC in /proc/self/fdinfo's octal "flags"
    // A closed Unix listener removes its socket file: connecting then finds no such file.
    private static readonly SocketError[] Refused = [SocketError.ConnectionRefused, SocketError.AddressNotAvailable];
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(5);
    private readonly TempDirectory _directory = new();
    private readonly AgentEventFeed _feed = new();
    private readonly RecordingLogger _log = new();
    private readonly List<AgentApiServer> _servers = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
            await server.DisposeAsync();
        _feed.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task StartAsync_NoConnectionYet_ListensPrivatelyWithoutServing()
    {
        var server = await StartAsync(withTcp: true);

        Assert.False(server.Serving);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(server.UnixSocketPath));
        Assert.Equal(IPAddress.Loopback, server.TcpEndpoints[0].Address);
        Assert.NotEqual(0, server.TcpEndpoints[0].Port);
        Assert.Contains(server.UnixSocketPath, ListeningUnixSockets());
    }

    [Fact]
    public async Task FirstRequestOverTheUnixSocket_NotServingYet_IsAnsweredAndStartsServing()
    {
        var server = await StartAsync(withTcp: true);
        Assert.False(server.Serving);

        var result = await ApiCurl.GetAsync("http://agent/", "--unix-socket", server.UnixSocketPath);

        Assert.Equal((200, AgentApiServer.Hello), (result.Status, result.Message()));
        Assert.True(server.Serving);
        Assert.Single(_log.Entries, entry => entry.EventId.Id == 6305 && entry.Level == LogLevel.Information);
    }

    [Fact]
    public async Task FirstRequestOverTcp_NotServingYet_IsAnsweredAndStartsServing()
    {
        var server = await StartAsync(withTcp: true);
        Assert.False(server.Serving);

        var result = await ApiCurl.GetAsync($"http://{server.TcpEndpoints[0]}/");
        var again = await ApiCurl.GetAsync("http://agent/", "--unix-socket", server.UnixSocketPath);

        Assert.Equal((200, AgentApiServer.Hello), (result.Status, result.Message()));
        Assert.Equal(200, again.Status);
        Assert.True(server.Serving);
        Assert.Single(_log.Entries, entry => entry.EventId.Id == 6305);
    }

    [Fact]
    public async Task StopAsync_BeforeAnyConnection_ReturnsPromptlyAndConnectsAreRefused()
    {
        var server = await StartAsync(withTcp: true);

        await server.StopAsync().WaitAsync(Prompt);

        Assert.False(server.Serving);
        Assert.Contains(ConnectError(new UnixDomainSocketEndPoint(server.UnixSocketPath)), Refused);
        Assert.Equal(SocketError.ConnectionRefused, ConnectError(server.TcpEndpoints[0]));
        Assert.Contains(_log.Entries, entry => entry.EventId.Id == 6301);
    }

    [Fact]
    public async Task DisposeAsync_BeforeAnyConnection_RemovesTheSocketAndItsOwnDirectory()
    {
        // Too long for sun_path: the server makes (and owns) a fresh private directory for its socket.
        var server = await StartAsync(withTcp: false, _directory.Combine(new string('d', 60), new string('e', 60), "api.sock"));
        var ownDirectory = Path.GetDirectoryName(server.UnixSocketPath)!;
        Assert.True(File.Exists(server.UnixSocketPath));

        await server.DisposeAsync().AsTask().WaitAsync(Prompt);

        Assert.False(File.Exists(server.UnixSocketPath));
        Assert.False(Directory.Exists(ownDirectory));
        Assert.Contains(ConnectError(new UnixDomainSocketEndPoint(server.UnixSocketPath)), Refused);
        Assert.DoesNotContain(server.UnixSocketPath, ListeningUnixSockets());
    }

    [Fact]
    public async Task FirstConnection_TheListeningSocketsOneDescriptor_IsCloseOnExecAndClosedWithTheServer()
    {
        var server = await StartAsync(withTcp: false);
        var inode = ListeningUnixSockets()[server.UnixSocketPath];

        var result = await ApiCurl.GetAsync("http://agent/", "--unix-socket", server.UnixSocketPath);
        var descriptors = DescriptorsOf(inode);

        Assert.Equal(200, result.Status);
        Assert.True(server.Serving);
        var descriptor = Assert.Single(descriptors); // Kestrel accepts on the server's own, and no copy leaks to children
        Assert.True((OpenFlags(descriptor) & OpenCloseOnExec) != 0, $"descriptor {descriptor} of the API socket lacks close-on-exec");

        await server.DisposeAsync().AsTask().WaitAsync(Prompt);

        Assert.Empty(DescriptorsOf(inode));
        Assert.DoesNotContain(server.UnixSocketPath, ListeningUnixSockets());
    }

    [Fact]
    public async Task FirstConnection_KestrelCannotStart_LogsAnErrorAndConnectsAreRefused()
    {
        var server = await StartAsync(withTcp: true, loggerFactory: new FailingFilterLoggerFactory(_log));
        using var first = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        first.Connect(new UnixDomainSocketEndPoint(server.UnixSocketPath));
        first.Send("GET / HTTP/1.0\r\n\r\n"u8);

        // The connection that triggered the start is dropped, not left waiting in the backlog.
        first.ReceiveTimeout = (int)Prompt.TotalMilliseconds;
        var dropped = Record.Exception(() => first.Receive(new byte[64]));
        await Eventually.WaitAsync(() => _log.Entries.Any(entry => entry.EventId.Id == 6306), "the lazy start's error");

        Assert.True(dropped is SocketException { SocketErrorCode: SocketError.ConnectionReset }, $"the first connection was not reset: {dropped}");
        Assert.False(server.Serving);
        Assert.Equal(LogLevel.Error, _log.Entries.Single(entry => entry.EventId.Id == 6306).Level);
        Assert.Contains(ConnectError(new UnixDomainSocketEndPoint(server.UnixSocketPath)), Refused);
        Assert.Equal(SocketError.ConnectionRefused, ConnectError(server.TcpEndpoints[0]));
    }

    [Fact]
    public async Task StartAsync_TcpAddressInUse_FailsWithIOExceptionAndLeavesNoListener()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var path = _directory.Combine("taken.sock");
        var server = AgentApiServer.Create(
            new AgentApiSources(_feed, new AgentCounters(), Scheduler.Default, Environment.ProcessId),
            new AgentApiOptions { UnixSocketPath = path, TcpEndpoint = (IPEndPoint)taken.LocalEndpoint },
            new FailingFilterLoggerFactory(_log, fail: false));
        _servers.Add(server);

        var error = await Assert.ThrowsAsync<IOException>(() => server.StartAsync(CancellationToken.None));

        Assert.Contains("address already in use", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(path, ListeningUnixSockets());
        Assert.False(server.Serving);
    }

    private static SocketError ConnectError(EndPoint endpoint)
    {
        using var socket = endpoint is IPEndPoint ip
            ? new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
            : new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(endpoint);
            return SocketError.Success;
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode;
        }
    }

    // Path → inode of every listening Unix socket (/proc/net/unix: "Num RefCount Protocol Flags Type St Inode Path").
    private static Dictionary<string, string> ListeningUnixSockets()
    {
        var listening = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines("/proc/net/unix").Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 8 && fields[3] == "00010000")
                listening[fields[7]] = fields[6];
        }

        return listening;
    }

    private static List<int> DescriptorsOf(string inode)
    {
        var found = new List<int>();
        foreach (var entry in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(entry).LinkTarget == $"socket:[{inode}]")
                    found.Add(int.Parse(Path.GetFileName(entry), CultureInfo.InvariantCulture));
            }
            catch (IOException)
            {
                // Closed meanwhile by another spec.
            }
        }

        return found;
    }

    private static int OpenFlags(int fd)
    {
        var flags = File.ReadLines($"/proc/self/fdinfo/{fd}").Single(line => line.StartsWith("flags:", StringComparison.Ordinal));
        return Convert.ToInt32(flags["flags:".Length..].Trim(), 8);
    }

    private async Task<AgentApiServer> StartAsync(bool withTcp, string? socketPath = null, ILoggerFactory? loggerFactory = null)
    {
        var options = new AgentApiOptions
        {
            UnixSocketPath = socketPath ?? _directory.Combine("api-" + _servers.Count.ToString(CultureInfo.InvariantCulture) + ".sock"),
            TcpEndpoint = withTcp ? new IPEndPoint(IPAddress.Loopback, 0) : null,
        };
        var sources = new AgentApiSources(_feed, new AgentCounters(), Scheduler.Default, Environment.ProcessId);
        var server = AgentApiServer.Create(sources, options, loggerFactory ?? new FailingFilterLoggerFactory(_log, fail: false));
        _servers.Add(server);
        await server.StartAsync(CancellationToken.None);
        return server;
    }

    /// <summary>Records every category; with <c>fail</c>, building the API's request pipeline throws (Kestrel cannot start).</summary>
    private sealed class FailingFilterLoggerFactory(ILogger logger, bool fail = true) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName)
            => fail && categoryName.EndsWith("LoopbackHostFilter", StringComparison.Ordinal)
                ? throw new InvalidOperationException("the request pipeline cannot be built")
                : logger;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }
    }
}
