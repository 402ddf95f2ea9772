using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;
using Agent.Reactive.Statistics;
using Agent.Runtime.Api;

namespace Agent.Specs.Runtime.Api;

public sealed class AgentMetricsSpecs
{
    private static readonly DateTimeOffset At = new(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public void Format_CountersAndEvents_GivesEverySeries()
    {
        var counters = new AgentCounters();
        using var ssh = counters.SessionStarted(SessionKind.Ssh);
        counters.SessionStarted(SessionKind.VsCode).Dispose();
        counters.ConnectionOpened("TCP");
        counters.AddReceived(100);
        counters.AddSent(40);
        var tally = new AgentEventTally();
        tally.Observe(new LifecycleChanged(At, LifecycleState.Starting));
        tally.Observe(new LifecycleChanged(At, LifecycleState.Ready));
        tally.Observe(new MetadataCollected(At, "cpu", "CPU", new MetadataResult(At, 0, "5%", string.Empty)));
        tally.Observe(new MetadataCollected(At, "disk", "Disk", new MetadataResult(At, 0, string.Empty, "exit status 1")));

        var lines = AgentMetrics.Format(counters.Totals(), tally.Snapshot()).Split('\n');

        Assert.Contains("agent_sessions_open{kind=\"ssh\"} 1", lines);
        Assert.Contains("agent_sessions_open{kind=\"vscode\"} 0", lines);
        Assert.Contains("agent_sessions_started_total{kind=\"vscode\"} 1", lines);
        Assert.Contains("agent_connections_total{protocol=\"TCP\"} 1", lines);
        Assert.Contains("agent_rx_bytes_total 100", lines);
        Assert.Contains("agent_tx_packets_total 1", lines);
        Assert.Contains("agent_lifecycle_state{state=\"ready\"} 1", lines);
        Assert.Contains("agent_lifecycle_state{state=\"starting\"} 0", lines);
        Assert.Contains("agent_lifecycle_state{state=\"shutting_down\"} 0", lines);
        Assert.Contains("agent_lifecycle_transitions_total{state=\"starting\"} 1", lines);
        Assert.Contains("agent_metadata_runs_total{key=\"cpu\"} 1", lines);
        Assert.Contains("agent_metadata_errors_total{key=\"disk\"} 1", lines);
        Assert.DoesNotContain("agent_metadata_errors_total{key=\"cpu\"} 1", lines);
        Assert.Contains("# TYPE agent_rx_bytes_total counter", lines);
    }
}
