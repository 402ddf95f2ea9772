using Agent.Reactive.Protocol;
using Agent.Runtime.ControlPlane;
using Agent.Runtime.ControlPlane.Persistence;
using Agent.Specs.Fakes.ControlPlane;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Reactive.Testing;

namespace Agent.Specs.Runtime.ControlPlane;

/// <summary>The summary's <c>lifecycle_changed_at</c> on one replica and its peer, in virtual time.</summary>
public sealed class LifecycleChangedAtSpecs : IDisposable
{
    private static readonly DateTimeOffset AgentClock = new(2023, 6, 6, 12, 0, 0, TimeSpan.Zero);
    private readonly TestScheduler _scheduler = new();
    private readonly ControlPlaneStore _replica;
    private readonly ControlPlaneStore _peer;

    public LifecycleChangedAtSpecs()
    {
        _replica = Store();
        _peer = Store();
    }

    private ControlPlaneAgent Main => _replica.FindByName("main")!;

    public void Dispose()
    {
        _replica.Dispose();
        _peer.Dispose();
    }

    [Fact]
    public void Summary_NoLifecycleReport_Null()
        => Assert.Null(Main.Summary().LifecycleChangedAt);

    [Fact]
    public async Task Summary_AfterAReport_TheServerTimeItWasTakenNotTheAgentsClock()
    {
        _scheduler.AdvanceTo(TimeSpan.FromSeconds(5).Ticks);
        await Main.ReportLifecycleAsync(new LifecycleReport(LifecycleState.Ready, AgentClock), CancellationToken.None);
        var taken = _scheduler.Now;
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(5).Ticks);
        await Main.ReportLifecycleAsync(new LifecycleReport(LifecycleState.Ready, AgentClock), CancellationToken.None); // the agent's retry

        Assert.Equal(taken, Main.Summary().LifecycleChangedAt);
    }

    [Fact]
    public async Task Summary_OnAPeerThatAppliedTheChangeLater_SameTime()
    {
        var announced = new List<AgentChange>();
        using var _ = Main.Changes.Subscribe(announced.Add);
        _scheduler.AdvanceTo(TimeSpan.FromSeconds(5).Ticks);
        await Main.ReportLifecycleAsync(new LifecycleReport(LifecycleState.Starting, AgentClock), CancellationToken.None);

        _scheduler.AdvanceBy(TimeSpan.FromSeconds(3).Ticks);
        _peer.FindByName("main")!.ApplyRemote(Guid.NewGuid(), Assert.Single(announced));

        Assert.Equal(Main.Summary().LifecycleChangedAt, _peer.FindByName("main")!.Summary().LifecycleChangedAt);
        Assert.Equal(TimeSpan.FromSeconds(5).Ticks, _peer.FindByName("main")!.Summary().LifecycleChangedAt?.UtcTicks);
    }

    [Fact]
    public void Summary_RestoredFromTheDatabase_CountsFromTheNewestReportsChangedAt()
    {
        _scheduler.AdvanceTo(TimeSpan.FromSeconds(5).Ticks);

        Main.TakeStored(false, null, [new LifecycleReport(LifecycleState.Starting, AgentClock), new LifecycleReport(LifecycleState.Ready, AgentClock.AddSeconds(2))], [], [], false, new Dictionary<string, MetadataResult>(), new Dictionary<Guid, AppHealth>(), null, null);

        Assert.Equal(AgentClock.AddSeconds(2), Main.Summary().LifecycleChangedAt);
    }

    private ControlPlaneStore Store()
    {
        var database = new FakeControlPlaneDatabase();
        return new ControlPlaneStore(
            ControlPlaneHarness.Workspace(), _scheduler, TimeSpan.FromHours(1), agent => new DatabaseJournal(database, agent.Name, TimeSpan.FromSeconds(1), _scheduler, NullLogger.Instance));
    }
}
