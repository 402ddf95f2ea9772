using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Text.RegularExpressions;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;
using Agent.Runtime.Commands.Monitor;
using Agent.Specs.Fakes.Monitor;
using Agent.Specs.Utilities;
using Spectre.Console;

namespace Agent.Specs.Runtime.Commands.Monitor;

public sealed partial class MonitorCommandSpecs : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();
    private FakeEventsServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeEventsServer.StartAsync();
        _server.Snapshot.AddRange([
            new ConnectionChanged(T0, ConnectionState.Connected),
            new StartupReported(T0, "v9.8.7", "/home/coder/repo", string.Empty),
            new LifecycleChanged(T0, LifecycleState.Starting),
            new LifecycleChanged(T0.AddSeconds(8), LifecycleState.Ready),
            new MetadataCollected(T0, "load", "Load average", new MetadataResult(T0, 0, "0.42", string.Empty)),
            new LogLine(T0.AddSeconds(1), LogSources.Startup, "startup script says hi"),
        ]);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Once_AgainstTheControlPlane_PrintsLifecycleAndMetadataAndExitsZero()
    {
        var exit = await InvokeAsync(NoEnvironment, "monitor", "--url", _server.BaseUrl.ToString(), "--token", FakeEventsServer.Token, "--once");

        var text = _output.ToString();
        Assert.True(exit == 0, _error.ToString());
        Assert.Contains("agent main", text, StringComparison.Ordinal);
        Assert.Contains("v9.8.7", text, StringComparison.Ordinal);
        Assert.Contains("/home/coder/repo", text, StringComparison.Ordinal);
        Assert.Contains("starting → ready in 8.0 s", text, StringComparison.Ordinal);
        Assert.Contains("Load average", text, StringComparison.Ordinal);
        Assert.Contains("0.42", text, StringComparison.Ordinal);
        Assert.Contains("startup script says hi", text, StringComparison.Ordinal);
        Assert.Equal(1, _server.StreamsOpened);
    }

    [Fact]
    public async Task Once_UrlAndTokenFromTheEnvironment_AreUsed()
    {
        var environment = new Dictionary<string, string>
        {
            [MonitorCommand.UrlVariable] = _server.BaseUrl.ToString(),
            [MonitorCommand.TokenVariable] = FakeEventsServer.Token,
        };

        var exit = await InvokeAsync(environment.GetValueOrDefault, "monitor", "--once");

        Assert.True(exit == 0, _error.ToString());
        Assert.Contains("v9.8.7", _output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Once_BadToken_ExitsOneWithTheReason()
    {
        var exit = await InvokeAsync(NoEnvironment, "monitor", "--url", _server.BaseUrl.ToString(), "--token", "nope", "--once");

        Assert.Equal(1, exit);
        Assert.Contains("refused the user token (401 Unauthorized): Invalid session token.", _error.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, _server.Requests);
    }

    [Fact]
    public async Task Once_UnknownAgent_ExitsOne()
    {
        var exit = await InvokeAsync(
            NoEnvironment, "monitor", "--url", _server.BaseUrl.ToString(), "--token", FakeEventsServer.Token, "--agent", "ghost", "--once");

        Assert.Equal(1, exit);
        Assert.Contains("cannot watch agent 'ghost'", _error.ToString(), StringComparison.Ordinal);
        Assert.Contains("404", _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Once_NothingListens_ExitsOneWithConnectionRefused()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var exit = await InvokeAsync(NoEnvironment, "monitor", "--url", $"http://127.0.0.1:{port}", "--token", "t", "--once");

        Assert.Equal(1, exit);
        Assert.Contains("refused", _error.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("--token", "t")]
    [InlineData("--url", "ftp://example.org", "--token", "t")]
    [InlineData("--url", "http://127.0.0.1:1")]
    public async Task Once_MissingOrBadSettings_ExitsOneWithAHint(params string[] options)
    {
        var exit = await InvokeAsync(NoEnvironment, ["monitor", .. options, "--once"]);

        Assert.Equal(1, exit);
        Assert.Matches("--url|--token", _error.ToString());
    }

    [Fact]
    public async Task Once_EventsCarryEscapeSequences_PrintsNoControlCharacter()
    {
        _server.Snapshot.AddRange(DashboardRendererSpecs.HostileEvents());

        var exit = await InvokeAsync(NoEnvironment, "monitor", "--url", _server.BaseUrl.ToString(), "--token", FakeEventsServer.Token, "--once");

        var text = _output.ToString();
        Assert.True(exit == 0, _error.ToString());
        DashboardRendererSpecs.AssertNoControlCharacters(text);
        Assert.Contains("line ␛]52;c;aGVsbG8=␇", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Live_EventsCarryEscapeSequences_SendsNoneOfThemToTheTerminal()
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.TrueColor,
            Interactive = InteractionSupport.Yes,
        });
        console.Profile.Width = 200;
        console.Profile.Height = 200;
        using var stop = new CancellationTokenSource();
        var states = Observable.Return(DashboardRendererSpecs.HostileState()).Concat(Observable.Never<DashboardState>());

        var live = MonitorCommand.ShowLiveAsync(console, states, "main", DefaultScheduler.Instance, stop.Token);
        await Eventually.WaitAsync(() => output.ToString().Contains("not markup", StringComparison.Ordinal), "the live dashboard to draw the log line");
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => live);

        // What is left once the dashboard's own sequences (colours, cursor moves, line erases) are taken out.
        var drawn = SpectreOwnSequences().Replace(output.ToString(), string.Empty).Replace("\r", string.Empty, StringComparison.Ordinal);
        DashboardRendererSpecs.AssertNoControlCharacters(drawn);
    }

    private static string? NoEnvironment(string name) => null;

    [GeneratedRegex(@"\u001b\[(?:[0-9;]*m|\?25[lh]|[0-9]*[ABCDK])")]
    private static partial Regex SpectreOwnSequences();

    private Task<int> InvokeAsync(Func<string, string?> environment, params string[] args)
        => new RootCommand { MonitorCommand.Create(environment) }
            .Parse(args)
            .InvokeAsync(new InvocationConfiguration { Output = _output, Error = _error });
}
