using System.Text.Json;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;
using Agent.Reactive.Statistics;

namespace Agent.Runtime.Api;

/// <summary>The agent's <c>/metrics</c> page: cumulative counters and what its events tell, in Prometheus text.</summary>
public static class AgentMetrics
{
    public static string Format(AgentCounterTotals counters, AgentEventTotals events)
    {
        ArgumentNullException.ThrowIfNull(counters);
        ArgumentNullException.ThrowIfNull(events);
        var text = new PrometheusText();

        text.Family("agent_sessions_open", "gauge", "Sessions open now, by kind.");
        foreach (var (kind, count) in counters.OpenSessions.OrderBy(pair => pair.Key))
            text.Sample("agent_sessions_open", count, ("kind", KindLabel(kind)));
        text.Family("agent_sessions_started_total", "counter", "Sessions started since the agent started, by kind.");
        foreach (var (kind, count) in counters.SessionsStarted.OrderBy(pair => pair.Key))
            text.Sample("agent_sessions_started_total", count, ("kind", KindLabel(kind)));

        text.Family("agent_connections_total", "counter", "Connections opened, by protocol.");
        foreach (var (protocol, count) in counters.ConnectionsByProtocol.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            text.Sample("agent_connections_total", count, ("protocol", protocol));

        text.Family("agent_rx_bytes_total", "counter", "Bytes received by the agent's services.").Sample("agent_rx_bytes_total", counters.RxBytes);
        text.Family("agent_rx_packets_total", "counter", "Packets (or chunks) received by the agent's services.").Sample("agent_rx_packets_total", counters.RxPackets);
        text.Family("agent_tx_bytes_total", "counter", "Bytes sent by the agent's services.").Sample("agent_tx_bytes_total", counters.TxBytes);
        text.Family("agent_tx_packets_total", "counter", "Packets (or chunks) sent by the agent's services.").Sample("agent_tx_packets_total", counters.TxPackets);

        text.Family("agent_lifecycle_state", "gauge", "The agent's lifecycle state: 1 for the current one.");
        foreach (var state in Enum.GetValues<LifecycleState>())
            text.Sample("agent_lifecycle_state", state == events.Lifecycle ? 1 : 0, ("state", StateLabel(state)));
        text.Family("agent_lifecycle_transitions_total", "counter", "How often the lifecycle entered each state (start_error and shutdown_error count script failures).");
        foreach (var (state, count) in events.LifecycleTransitions.OrderBy(pair => pair.Key))
            text.Sample("agent_lifecycle_transitions_total", count, ("state", StateLabel(state)));

        text.Family("agent_metadata_runs_total", "counter", "Metadata collections, by key.");
        foreach (var (key, count) in events.MetadataRuns.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            text.Sample("agent_metadata_runs_total", count, ("key", key));
        text.Family("agent_metadata_errors_total", "counter", "Metadata collections that ended with an error, by key.");
        foreach (var (key, count) in events.MetadataErrors.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            text.Sample("agent_metadata_errors_total", count, ("key", key));

        text.Family("agent_script_log_lines_total", "counter", "Lines of script output, by source.");
        foreach (var (source, count) in events.LogLines.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            text.Sample("agent_script_log_lines_total", count, ("source", source));

        text.Family("agent_terminals_opened_total", "counter", "Reconnecting terminals started.").Sample("agent_terminals_opened_total", events.TerminalsOpened);
        text.Family("agent_terminals_closed_total", "counter", "Reconnecting terminals whose process ended.").Sample("agent_terminals_closed_total", events.TerminalsClosed);
        text.Family("agent_terminal_detaches_total", "counter", "Clients that left a reconnecting terminal, by reason (\"too slow\" ones were disconnected).");
        foreach (var (reason, count) in events.TerminalDetaches.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            text.Sample("agent_terminal_detaches_total", count, ("reason", reason));
        return text.ToString();
    }

    /// <summary>The wire name of a lifecycle state (<c>ready</c>, <c>start_timeout</c>, ...).</summary>
    public static string StateLabel(LifecycleState state) => JsonNamingPolicy.SnakeCaseLower.ConvertName(state.ToString());

    /// <summary>The session kind as Coder's stats name it.</summary>
    public static string KindLabel(SessionKind kind) => kind switch
    {
        SessionKind.Ssh => "ssh",
        SessionKind.VsCode => "vscode",
        SessionKind.JetBrains => "jetbrains",
        SessionKind.ReconnectingPty => "reconnecting_pty",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
