using Agent.Reactive.Effects;
using Agent.Reactive.Protocol;
using Agent.Reactive.Statistics;
using Agent.Runtime.Os.Processes;
using Agent.Runtime.Ssh.Auth;
using Agent.Runtime.Ssh.Channels;
using Agent.Runtime.Ssh.Connection;
using Agent.Runtime.Sshd.Session;
using Agent.Specs.Fakes.Terminal;
using Agent.Specs.Utilities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Specs.Fakes.Ssh;

/// <summary>
/// One in-memory connection: <see cref="SshConnectionHandler"/> serving an <see cref="InMemorySshTransport"/>,
/// driven by an <see cref="SshTestClient"/>, with the server's <c>session</c> channel type registered. Real piped
/// processes (<c>/bin/sh</c>), a fake PTY launcher.
/// </summary>
public sealed class SshServerHarness : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();

    public SshServerHarness(
        Func<SshConnectionOptions, SshConnectionOptions>? configure = null,
        Func<SshSessionOptions, SshSessionOptions>? configureSessions = null)
    {
        Home = new TempDirectory();
        Counters = new AgentCounters();
        Logger = new RecordingLogger();
        var environment = new AgentEnvironment(Home.Path, Environment.GetEnvironmentVariable, "v0.0.0", string.Empty, Home.Path, "/usr/local/bin/agent", "coder");
        var sessions = new SshSessionOptions
        {
            PtyLauncher = Pty,
            ProcessLauncher = new PipedProcessLauncher(NullLogger<PipedProcessLauncher>.Instance, "/bin/sh"),
            EnvironmentSource = () => new SshSessionEnvironmentSnapshot(Manifest, environment, "agent-token"),
            Counters = Counters,
            Logger = Logger,
        };
        Sessions = configureSessions is null ? sessions : configureSessions(sessions);
        var options = new SshConnectionOptions
        {
            AuthenticationMode = SshAuthenticationMode.Trusted,
            Counters = Counters,
            ChannelTypes = SshSessionChannelType.With(new Dictionary<string, SshChannelOpenHandler>(), Sessions),
            LoggerFactory = new SingleLoggerFactory(Logger),
        };
        Options = configure is null ? options : configure(options);
        Transport = new InMemorySshTransport();
        Client = new SshTestClient(Transport);
        Server = Task.Run(() => SshConnectionHandler.RunAsync(Transport, Options, _stop.Token));
    }

    public TempDirectory Home { get; }

    public Manifest Manifest { get; set; } = new();

    public FakePtyLauncher Pty { get; } = new();

    public AgentCounters Counters { get; }

    public RecordingLogger Logger { get; }

    public SshSessionOptions Sessions { get; }

    public SshConnectionOptions Options { get; }

    public InMemorySshTransport Transport { get; }

    public SshTestClient Client { get; }

    public Task Server { get; }

    public static async Task<SshServerHarness> LoggedInAsync(
        Func<SshConnectionOptions, SshConnectionOptions>? configure = null,
        Func<SshSessionOptions, SshSessionOptions>? configureSessions = null)
    {
        var harness = new SshServerHarness(configure, configureSessions);
        await harness.Client.LoginTrustedAsync();
        return harness;
    }

    /// <summary><paramref name="options"/> with <paramref name="channelTypes"/> registered beside the ones it has (<c>session</c>).</summary>
    public static SshConnectionOptions WithChannelTypes(SshConnectionOptions options, IReadOnlyDictionary<string, SshChannelOpenHandler> channelTypes)
    {
        var merged = new Dictionary<string, SshChannelOpenHandler>(options.ChannelTypes, StringComparer.Ordinal);
        foreach (var (name, handler) in channelTypes)
            merged[name] = handler;
        return options with { ChannelTypes = merged };
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await _stop.CancelAsync();
        await Server.WaitAsync(SshTestClient.Deadline);
        Home.Dispose();
    }

    private sealed class SingleLoggerFactory(ILogger logger) : ILoggerFactory
    {
        public void AddProvider(ILoggerProvider provider)
        {
        }

        public ILogger CreateLogger(string categoryName) => logger;

        public void Dispose()
        {
        }
    }
}
