using Agent.Reactive.Effects;
using Agent.Reactive.Protocol;
using Agent.Reactive.Statistics;
using Agent.Runtime.Os.Processes;
using Agent.Runtime.Ssh.Auth;
using Agent.Runtime.Ssh.Connection;
using Agent.Runtime.Sshd.Session;
using Agent.Specs.Fakes.Terminal;
using Agent.Specs.Utilities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Specs.Fakes.Ssh;

/// <summary>
/// One in-memory connection: <see cref="SshConnectionHandler"/> serving an <see cref="InMemorySshTransport"/>,
/// driven by an <see cref="SshTestClient"/>. Real piped processes (<c>/bin/sh</c>), a fake PTY launcher.
/// </summary>
public sealed class SshServerHarness : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();

    public SshServerHarness(Func<SshConnectionOptions, SshConnectionOptions>? configure = null)
    {
        Home = new TempDirectory();
        Counters = new AgentCounters();
        Logger = new RecordingLogger();
        var environment = new AgentEnvironment(Home.Path, Environment.GetEnvironmentVariable, "v0.0.0", string.Empty, Home.Path, "/usr/local/bin/agent", "coder");
        var options = new SshConnectionOptions
        {
            AuthenticationMode = SshAuthenticationMode.Trusted,
            PtyLauncher = Pty,
            ProcessLauncher = new PipedProcessLauncher(NullLogger<PipedProcessLauncher>.Instance, "/bin/sh"),
            EnvironmentSource = () => new SshSessionEnvironmentSnapshot(Manifest, environment, "agent-token"),
            Counters = Counters,
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

    public SshConnectionOptions Options { get; }

    public InMemorySshTransport Transport { get; }

    public SshTestClient Client { get; }

    public Task Server { get; }

    public static async Task<SshServerHarness> LoggedInAsync(Func<SshConnectionOptions, SshConnectionOptions>? configure = null)
    {
        var harness = new SshServerHarness(configure);
        await harness.Client.LoginTrustedAsync();
        return harness;
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
