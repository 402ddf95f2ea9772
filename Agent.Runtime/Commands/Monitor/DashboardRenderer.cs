using System.Globalization;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;
using Agent.Runtime.Relay.Sse;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Agent.Runtime.Commands.Monitor;

/// <summary>
/// Draws a <see cref="DashboardState"/> with Spectre.Console: a header (streams, version, directory),
/// then lifecycle, metadata, apps, stats, the watched resources (<see cref="ResourcesPanel"/>) and logs. Values from the agent are shown as plain text, never
/// read as markup, and their control characters are replaced (<see cref="TerminalText"/>), so the workspace
/// cannot send escape sequences to the viewer's terminal. Ages and the time in the current state are counted up to the given <c>now</c>.
/// </summary>
public static class DashboardRenderer
{
    private static readonly Style Dim = new(Color.Grey);
    private static readonly Style Good = new(Color.Green);
    private static readonly Style Warn = new(Color.Yellow);
    private static readonly Style Bad = new(Color.Red);

    public static IRenderable Render(DashboardState state, string agentName, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        List<IRenderable> rows = [Header(state, agentName, now), new Columns(Lifecycle(state, now), Apps(state)) { Expand = false }, Metadata(state, now), StatsPanel(state, now)];
        if (state.Resources is { } resources)
            rows.Add(ResourcesPanel.Render(resources, now));
        rows.Add(ConnectionLines.Panel(state.Connections));
        rows.Add(RecordingsPanel.Render(state));
        rows.Add(Logs(state));
        return new Rows(rows);
    }

    private static Panel Header(DashboardState state, string agentName, DateTimeOffset now)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        grid.AddRow(Shown("event stream", Dim), StreamText(state.Stream));
        grid.AddRow(Shown("agent", Dim), AgentConnectionText(state.AgentConnection, now));
        grid.AddRow(Shown("relay", Dim), ConnectionText(state.Relay?.State, state.Relay?.At, state.Relay?.Reason, now));
        grid.AddRow(Shown("lifecycle", Dim), LifecycleText(state.CurrentLifecycle));
        grid.AddRow(Shown("version", Dim), Shown(state.Startup?.Version ?? "-"));
        grid.AddRow(Shown("directory", Dim), Shown(state.Startup?.ExpandedDirectory ?? "-"));
        if (!string.IsNullOrEmpty(state.Startup?.Subsystem))
            grid.AddRow(Shown("subsystem", Dim), Shown(state.Startup.Subsystem));
        if (state.LastEventAt is { } last)
            grid.AddRow(Shown("last event", Dim), Shown($"{DashboardFormat.Duration(now - last)} ago"));
        return new Panel(grid) { Header = new PanelHeader($"agent {Markup.Escape(TerminalText.Clean(agentName))}"), Expand = true, Border = BoxBorder.Rounded };
    }

    private static Panel Lifecycle(DashboardState state, DateTimeOffset now)
    {
        if (state.Lifecycle.IsEmpty)
            return Section("lifecycle", Nothing("no lifecycle report yet"));
        var table = new Table().Border(TableBorder.Simple)
            .AddColumn("state").AddColumn("since").AddColumn(new TableColumn("time in state").RightAligned());
        for (var i = 0; i < state.Lifecycle.Count; i++)
        {
            var step = state.Lifecycle[i];
            var current = i == state.Lifecycle.Count - 1;
            table.AddRow(
                LifecycleText(step.State),
                Shown(DashboardFormat.Time(step.EnteredAt)),
                Shown(DashboardFormat.Duration(step.TimeIn(now)) + (current ? " (now)" : string.Empty)));
        }

        IRenderable body = table;
        if (state.StartupDuration is { } startup)
            body = new Rows(table, Shown($"starting → ready in {DashboardFormat.Duration(startup)}", Good));
        return Section("lifecycle", body);
    }

    private static Panel Metadata(DashboardState state, DateTimeOffset now)
    {
        if (state.Metadata.IsEmpty)
            return Section("metadata", Nothing("no metadata collected yet"));
        var table = new Table().Border(TableBorder.Simple).Expand()
            .AddColumn("key").AddColumn("name").AddColumn("value").AddColumn("error").AddColumn(new TableColumn("age").RightAligned());
        foreach (var item in state.Metadata.Values)
        {
            table.AddRow(
                Shown(item.Key),
                Shown(item.DisplayName),
                Shown(item.Result.Value),
                Shown(item.Result.Error, Bad),
                Shown(DashboardFormat.Duration(now - item.Result.CollectedAt)));
        }

        return Section("metadata", table);
    }

    private static Panel Apps(DashboardState state)
    {
        if (state.Apps.IsEmpty)
            return Section("apps", Nothing("no app health reported"));
        var table = new Table().Border(TableBorder.Simple).AddColumn("app").AddColumn("health");
        foreach (var (id, health) in state.Apps)
            table.AddRow(Shown(id.ToString()), HealthText(health));
        return Section("apps", table);
    }

    private static Panel StatsPanel(DashboardState state, DateTimeOffset now)
    {
        if (state.Stats is not { Stats: var stats, At: var at })
            return Section("stats", Nothing("no stats window yet"));
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn().AddColumn(new GridColumn().NoWrap()).AddColumn();
        var byProto = stats.ConnectionsByProto is { Count: > 0 } protocols
            ? string.Join(", ", protocols.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => Invariant($"{p.Key} {p.Value}")))
            : "-";
        var latency = stats.ConnectionMedianLatencyMs < 0 ? "-" : Invariant($"{stats.ConnectionMedianLatencyMs:0.##} ms");
        grid.AddRow(Label("connections"), Value(Invariant($"{stats.ConnectionCount} ({byProto})")), Label("median latency"), Value(latency));
        grid.AddRow(
            Label("received"),
            Value(Invariant($"{DashboardFormat.Bytes(stats.RxBytes)} in {stats.RxPackets} packets")),
            Label("sent"),
            Value(Invariant($"{DashboardFormat.Bytes(stats.TxBytes)} in {stats.TxPackets} packets")));
        grid.AddRow(
            Label("sessions"),
            Value(Invariant($"ssh {stats.SessionCountSsh}, vscode {stats.SessionCountVsCode}, jetbrains {stats.SessionCountJetBrains}, pty {stats.SessionCountReconnectingPty}")),
            Label("reported"),
            Value($"{DashboardFormat.Duration(now - at)} ago"));
        return Section("stats", grid);
    }

    private static Panel Logs(DashboardState state)
    {
        if (state.Logs.IsEmpty)
            return Section("logs", Nothing("no script output yet"));
        var rows = new List<IRenderable>();
        foreach (var (source, lines) in state.Logs)
        {
            rows.Add(Shown(source, new Style(decoration: Decoration.Bold)));
            foreach (var line in lines)
            {
                var style = line.Level is "error" or "critical" ? Bad : line.Level == "warn" ? Warn : Style.Plain;
                rows.Add(Shown($"{DashboardFormat.Time(line.At)} {line.Output}", style));
            }
        }

        return Section($"logs (last {DashboardState.LogTailLines} lines per script)", new Rows(rows));
    }

    private static Text StreamText(EventStreamStatus? status) => status switch
    {
        null => Shown("not started", Dim),
        { State: EventStreamState.Connected } => Shown("connected", Good),
        { State: EventStreamState.Connecting } => Shown("connecting…", Warn),
        { State: EventStreamState.Lost, RetryIn: { } retryIn } =>
            Shown($"lost: {status.Reason} (retrying in {DashboardFormat.Duration(retryIn)})", Bad),
        _ => Shown($"{Name(status.State)}: {status.Reason}", Bad),
    };

    private static Text AgentConnectionText(ConnectionChanged? connection, DateTimeOffset now)
        => ConnectionText(connection?.State, connection?.At, connection?.Reason, now);

    private static Text ConnectionText(ConnectionState? state, DateTimeOffset? at, string? reason, DateTimeOffset now) => state switch
    {
        null => Shown("unknown", Dim),
        ConnectionState.Connected => Shown(
            $"connected for {DashboardFormat.Duration(now - at!.Value)}" + (reason is { Length: > 0 } ? $" ({reason})" : string.Empty),
            Good),
        ConnectionState.Connecting => Shown("connecting…", Warn),
        _ => Shown(
            $"disconnected {DashboardFormat.Duration(now - at!.Value)} ago" + (reason is { Length: > 0 } ? $": {reason}" : string.Empty),
            Bad),
    };

    private static Text LifecycleText(LifecycleState? state) => state switch
    {
        null => Shown("unknown", Dim),
        LifecycleState.Ready => Shown("ready", Good),
        LifecycleState.StartTimeout or LifecycleState.StartError or LifecycleState.ShutdownTimeout or LifecycleState.ShutdownError =>
            Shown(Name(state.Value), Bad),
        _ => Shown(Name(state.Value), Warn),
    };

    private static Text HealthText(AppHealth health) => health switch
    {
        AppHealth.Healthy => Shown("healthy", Good),
        AppHealth.Unhealthy => Shown("unhealthy", Bad),
        AppHealth.Initializing => Shown("initializing", Warn),
        _ => Shown("disabled", Dim),
    };

    /// <summary>The wire name of a state (<c>start_timeout</c>), as the control plane and Coder spell it.</summary>
    private static string Name<TEnum>(TEnum value)
        where TEnum : struct, Enum
    {
        var text = value.ToString();
        var builder = new System.Text.StringBuilder(text.Length + 4);
        foreach (var character in text)
        {
            if (char.IsUpper(character) && builder.Length > 0)
                builder.Append('_');
            builder.Append(char.ToLowerInvariant(character));
        }

        return builder.ToString();
    }

    private static Panel Section(string title, IRenderable body)
        => new(body) { Header = new PanelHeader(Markup.Escape(TerminalText.Clean(title))), Expand = true, Border = BoxBorder.Rounded };

    /// <summary>Text as it is, never read as markup, with control characters made visible (<see cref="TerminalText"/>).</summary>
    private static Text Shown(string? text, Style? style = null) => new(TerminalText.Clean(text), style);

    private static Text Nothing(string what) => Shown(what, Dim);

    private static Text Label(string text) => Shown(text, Dim);

    private static Text Value(string text) => Shown(text);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
