using System.Globalization;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;

namespace Agent.Specs.Reactive.Monitoring;

public sealed class AgentEventTallySpecs
{
    private static readonly DateTimeOffset At = new(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public void Snapshot_NothingObserved_HasNoLifecycleAndNoCounts()
    {
        var totals = new AgentEventTally().Snapshot();

        Assert.Null(totals.Lifecycle);
        Assert.Empty(totals.MetadataRuns);
        Assert.Equal(0, totals.TerminalsOpened);
    }

    [Fact]
    public void Observe_Events_CountsLifecycleMetadataLogsAndTerminals()
    {
        var tally = new AgentEventTally();
        tally.Observe(new LifecycleChanged(At, LifecycleState.Starting));
        tally.Observe(new LifecycleChanged(At, LifecycleState.StartError));
        tally.Observe(new MetadataCollected(At, "cpu", "CPU", new MetadataResult(At, 0, "1", string.Empty)));
        tally.Observe(new MetadataCollected(At, "cpu", "CPU", new MetadataResult(At, 0, string.Empty, "timeout")));
        tally.Observe(new LogLine(At, "startup", "hello"));
        tally.Observe(new TerminalOpened(At, "id", string.Empty, 7));
        tally.Observe(new TerminalDetached(At, "id", 0, "too slow"));
        tally.Observe(new TerminalClosed(At, "id", 0));

        var totals = tally.Snapshot();

        Assert.Equal(LifecycleState.StartError, totals.Lifecycle);
        Assert.Equal(1, totals.LifecycleTransitions[LifecycleState.StartError]);
        Assert.Equal(2, totals.MetadataRuns["cpu"]);
        Assert.Equal(1, totals.MetadataErrors["cpu"]);
        Assert.Equal(1, totals.LogLines["startup"]);
        Assert.Equal(1, totals.TerminalsOpened);
        Assert.Equal(1, totals.TerminalDetaches["too slow"]);
        Assert.Equal(1, totals.TerminalsClosed);
    }

    [Fact]
    public void Observe_MoreKeysThanTheCap_CountsTheRestUnderOther()
    {
        var tally = new AgentEventTally();
        for (var i = 0; i < AgentEventTally.MaxKeys + 3; i++)
            tally.Observe(new MetadataCollected(At, "k" + i.ToString(CultureInfo.InvariantCulture), "K", new MetadataResult(At, 0, string.Empty, "e")));

        var totals = tally.Snapshot();

        Assert.Equal(AgentEventTally.MaxKeys + 1, totals.MetadataRuns.Count);
        Assert.Equal(3, totals.MetadataRuns[AgentEventTally.OtherKey]);
        Assert.Equal(3, totals.MetadataErrors[AgentEventTally.OtherKey]);
    }
}
