using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;
using Agent.Runtime.Commands.Monitor;
using Agent.Runtime.Relay.Sse;
using Spectre.Console;

namespace Agent.Specs.Runtime.Commands.Monitor;

public sealed class DashboardRendererSpecs
{
    private static readonly DateTimeOffset T0 = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid App = Guid.Parse("6a1f0c3e-0000-4000-8000-000000000001");

    [Fact]
    public void Render_FullState_ShowsEverySection()
    {
        var state = new AgentEvent[]
            {
                new ConnectionChanged(T0, ConnectionState.Connected),
                new StartupReported(T0, "v2.7.1", "/home/coder/project", "envbox"),
                new LifecycleChanged(T0, LifecycleState.Created),
                new LifecycleChanged(T0.AddSeconds(1), LifecycleState.Starting),
                new LifecycleChanged(T0.AddSeconds(13), LifecycleState.Ready),
                new MetadataCollected(T0.AddSeconds(50), "cpu", "CPU usage", new MetadataResult(T0.AddSeconds(50), 0, "12%", string.Empty)),
                new MetadataCollected(T0.AddSeconds(55), "disk", "Disk", new MetadataResult(T0.AddSeconds(55), 0, string.Empty, "script timed out")),
                new AppHealthChanged(T0, new Dictionary<Guid, AppHealth> { [App] = AppHealth.Unhealthy }),
                new StatsReported(T0.AddSeconds(30), new Stats
                {
                    ConnectionCount = 4,
                    ConnectionsByProto = new Dictionary<string, long> { ["ssh"] = 3, ["reconnecting-pty"] = 1 },
                    ConnectionMedianLatencyMs = 12.5,
                    RxBytes = 1536,
                    RxPackets = 10,
                    TxBytes = 3 * 1024 * 1024,
                    TxPackets = 20,
                    SessionCountSsh = 2,
                }),
                new LogLine(T0.AddSeconds(2), LogSources.Startup, "installing code-server"),
                new LogLine(T0.AddSeconds(3), LogSources.Startup, "[red]not markup[/]", "error"),
            }
            .Aggregate(DashboardState.Empty.Apply(new EventStreamStatus(T0, EventStreamState.Connected)), (s, e) => s.Apply(e));

        var text = RenderText(state, T0.AddSeconds(60));

        Assert.Contains("agent main", text, StringComparison.Ordinal);
        Assert.Contains("connected for 1 m 00 s", text, StringComparison.Ordinal);
        Assert.Contains("v2.7.1", text, StringComparison.Ordinal);
        Assert.Contains("/home/coder/project", text, StringComparison.Ordinal);
        Assert.Contains("envbox", text, StringComparison.Ordinal);
        Assert.Contains("created", text, StringComparison.Ordinal);
        Assert.Contains("starting", text, StringComparison.Ordinal);
        Assert.Contains("12.0 s", text, StringComparison.Ordinal);
        Assert.Contains("47.0 s (now)", text, StringComparison.Ordinal);
        Assert.Contains("starting → ready in 12.0 s", text, StringComparison.Ordinal);
        Assert.Contains("CPU usage", text, StringComparison.Ordinal);
        Assert.Contains("12%", text, StringComparison.Ordinal);
        Assert.Contains("10.0 s", text, StringComparison.Ordinal);
        Assert.Contains("script timed out", text, StringComparison.Ordinal);
        Assert.Contains(App.ToString(), text, StringComparison.Ordinal);
        Assert.Contains("unhealthy", text, StringComparison.Ordinal);
        Assert.Contains("4 (reconnecting-pty 1, ssh 3)", text, StringComparison.Ordinal);
        Assert.Contains("12.5 ms", text, StringComparison.Ordinal);
        Assert.Contains("1.5 KiB in 10 packets", text, StringComparison.Ordinal);
        Assert.Contains("3.0 MiB in 20 packets", text, StringComparison.Ordinal);
        Assert.Contains("ssh 2, vscode 0, jetbrains 0, pty 0", text, StringComparison.Ordinal);
        Assert.Contains("installing code-server", text, StringComparison.Ordinal);
        Assert.Contains("[red]not markup[/]", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_EmptyState_SaysWhatIsMissing()
    {
        var text = RenderText(DashboardState.Empty, T0);
        Assert.Contains("not started", text, StringComparison.Ordinal);
        Assert.Contains("no lifecycle report yet", text, StringComparison.Ordinal);
        Assert.Contains("no metadata collected yet", text, StringComparison.Ordinal);
        Assert.Contains("no app health reported", text, StringComparison.Ordinal);
        Assert.Contains("no stats window yet", text, StringComparison.Ordinal);
        Assert.Contains("no script output yet", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_StreamLostAndAgentDisconnected_ShowsTheReasons()
    {
        var state = DashboardState.Empty
            .Apply(new ConnectionChanged(T0, ConnectionState.Disconnected, "relay closed"))
            .Apply(new LifecycleChanged(T0, LifecycleState.StartError))
            .Apply(new EventStreamStatus(T0, EventStreamState.Lost, "Connection refused", TimeSpan.FromMilliseconds(400)));

        var text = RenderText(state, T0.AddSeconds(5));

        Assert.Contains("lost: Connection refused (retrying in 400 ms)", text, StringComparison.Ordinal);
        Assert.Contains("disconnected 5.0 s ago: relay closed", text, StringComparison.Ordinal);
        Assert.Contains("start_error", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_RelayReplacedByANewerOne_ShowsItWhileConnected()
    {
        var state = DashboardState.Empty
            .Apply(new RelayChanged(T0, ConnectionState.Connected, "a newer relay from 127.0.0.1:4242 replaced the one from 127.0.0.1:4141"));

        var text = RenderText(state, T0.AddSeconds(5));

        Assert.Contains("connected for 5.0 s (a newer relay from 127.0.0.1:4242 replaced the one from 127.0.0.1:4141)", text, StringComparison.Ordinal);
    }

    /// <summary>Escape sequences a hostile workspace prints: OSC 52 (clipboard), clear screen, C1 CSI, DEL, CR.</summary>
    internal const string Hostile = "\u001b]52;c;aGVsbG8=\u0007 \u001b[2J\u001b[H\u009b31m\u007f\rlogin: ";

    [Fact]
    public void Render_HostileTextEverywhere_PrintsNoControlCharacter()
    {
        var text = RenderText(HostileState(), T0.AddSeconds(5));

        AssertNoControlCharacters(text);
        Assert.Contains("␛]52;c;aGVsbG8=␇", text, StringComparison.Ordinal);
        Assert.Contains("[red]not markup[/]", text, StringComparison.Ordinal);
    }

    /// <summary>Every workspace-controlled string of the dashboard, carrying <see cref="Hostile"/>.</summary>
    internal static AgentEvent[] HostileEvents() =>
    [
        new ConnectionChanged(T0, ConnectionState.Disconnected, "reason " + Hostile),
        new RelayChanged(T0, ConnectionState.Disconnected, "relay " + Hostile),
        new StartupReported(T0, "v" + Hostile, "/home/" + Hostile, "sub" + Hostile),
        new MetadataCollected(T0, "key" + Hostile, "name" + Hostile, new MetadataResult(T0, 0, "value" + Hostile, "error" + Hostile)),
        new StatsReported(T0, new Stats { ConnectionsByProto = new Dictionary<string, long> { ["proto" + Hostile] = 1 } }),
        new LogLine(T0, "source" + Hostile, "line " + Hostile + "[red]not markup[/]", "error"),
    ];

    internal static DashboardState HostileState()
        => HostileEvents().Aggregate(
            DashboardState.Empty.Apply(new EventStreamStatus(T0, EventStreamState.Connected)),
            (state, agentEvent) => state.Apply(agentEvent));

    /// <summary>No C0 control but the line feed, no DEL, no C1: nothing a terminal would act on.</summary>
    internal static void AssertNoControlCharacters(string text)
    {
        var index = Array.FindIndex(text.ToCharArray(), TerminalText.IsReplaced);
        Assert.True(
            index < 0,
            index < 0 ? null : $"control character U+{(int)text[index]:X4} at {index}: ...{text[Math.Max(0, index - 40)..Math.Min(text.Length, index + 40)]}...");
    }

    [Fact]
    public void Render_ConnectionReports_ShowsOpenAndCloseLines()
    {
        var id = Guid.NewGuid();
        var opened = new ConnectionReport(id, ConnectionActions.Connect, ConnectionTypes.ReconnectingPty, T0, string.Empty, string.Empty, "token", "bash -l");
        var ssh = new ConnectionReport(Guid.NewGuid(), ConnectionActions.Disconnect, ConnectionTypes.Ssh, T0.AddSeconds(2), "127.0.0.1:5555", "coder", "SHA256:abc", "exec \u001b[31mls", Signal: "TERM");
        var state = DashboardState.Empty
            .Apply(new ConnectionReported(T0, opened))
            .Apply(new ConnectionReported(T0.AddSeconds(1), opened with { Action = ConnectionActions.Disconnect, Timestamp = T0.AddSeconds(1), StatusCode = 4 }))
            .Apply(new ConnectionReported(T0.AddSeconds(2), ssh));

        var text = RenderText(state, T0.AddSeconds(3));

        Assert.Contains("open  reconnecting_pty token from relay: bash -l", text, StringComparison.Ordinal);
        Assert.Contains("close reconnecting_pty token from relay: bash -l — exit 4", text, StringComparison.Ordinal);
        Assert.Contains("coder (SHA256:abc) from 127.0.0.1:5555", text, StringComparison.Ordinal);
        Assert.Contains("signal TERM", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_ManyConnectionReports_KeepsTheLast10()
    {
        var state = Enumerable.Range(0, 25).Aggregate(
            DashboardState.Empty,
            (s, i) => s.Apply(new ConnectionReported(T0, new ConnectionReport(Guid.NewGuid(), ConnectionActions.Connect, ConnectionTypes.Ssh, T0, string.Empty, string.Empty, "token", $"what-{i}"))));

        Assert.Equal(ConnectionLines.Kept, state.Connections.Count);
        Assert.Equal("what-24", state.Connections[^1].What);
    }

    private static string RenderText(DashboardState state, DateTimeOffset now)
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 200;
        console.Write(DashboardRenderer.Render(state, "main", now));
        return output.ToString();
    }
}
