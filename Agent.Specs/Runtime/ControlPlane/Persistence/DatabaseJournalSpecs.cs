using Agent.Reactive.Protocol;
using Agent.Runtime.ControlPlane;
using Agent.Runtime.ControlPlane.Persistence;
using Agent.Specs.Fakes.ControlPlane;
using Agent.Specs.Utilities;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Reactive.Testing;

namespace Agent.Specs.Runtime.ControlPlane.Persistence;

/// <summary>One agent's journal in the database: durable writes, and the coalesced ones in virtual time.</summary>
public sealed class DatabaseJournalSpecs : IAsyncDisposable
{
    private const string Agent = "main";
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private readonly TestScheduler _scheduler = new();
    private readonly FakeControlPlaneDatabase _database = new();
    private readonly DatabaseJournal _journal;

    public DatabaseJournalSpecs() => _journal = new DatabaseJournal(_database, Agent, Interval, _scheduler, NullLogger.Instance);

    public ValueTask DisposeAsync() => _journal.DisposeAsync();

    [Fact]
    public void Metadata_BurstOfOneKeyWithinAnInterval_IsOneWriteOfTheNewest()
    {
        for (var i = 0; i < 1000; i++)
            _journal.Metadata("cpu", Result($"{i}"));
        _scheduler.AdvanceBy(Interval.Ticks - 1);
        var before = _database.Writes.Count;
        _scheduler.AdvanceBy(1);

        Assert.Equal(0, before);
        Assert.Equal(["SaveMetadataAsync main"], _database.Writes);
        Assert.Equal("999", _database.State(Agent).Metadata["cpu"].Value);
    }

    [Fact]
    public void Coalesced_EveryKindAndKeyOfOneInterval_OneWriteEach()
    {
        var app = Guid.NewGuid();
        _journal.Metadata("cpu", Result("1"));
        _journal.Metadata("host", Result("h"));
        _journal.AppHealth(app, AppHealth.Healthy);
        _journal.Stats(new Stats { ConnectionCount = 3 });
        _journal.Seen(DateTimeOffset.UnixEpoch.AddSeconds(5));
        _journal.Stats(new Stats { ConnectionCount = 4 });

        _scheduler.AdvanceBy(Interval.Ticks);

        Assert.Equal(["SaveMetadataAsync main", "SaveAppHealthAsync main", "SaveStatsAsync main", "SaveLastSeenAsync main"], _database.Writes);
        var state = _database.State(Agent);
        Assert.Equal(["cpu", "host"], state.Metadata.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(AppHealth.Healthy, state.AppHealth[app]);
        Assert.Equal(4, state.LastStats!.ConnectionCount);
        Assert.Equal(DateTimeOffset.UnixEpoch.AddSeconds(5), state.LastSeenAt);
    }

    [Fact]
    public void Seen_OnEveryCallForTenIntervals_AtMostOneWritePerInterval()
    {
        for (var tick = 0; tick < 100; tick++)
        {
            _journal.Seen(_scheduler.Now);
            _scheduler.AdvanceBy(Interval.Ticks / 10);
        }

        Assert.InRange(_database.Writes.Count, 9, 10);
        Assert.All(_database.Writes, write => Assert.Equal("SaveLastSeenAsync main", write));
    }

    [Fact]
    public void Coalesced_NothingReported_NoWrite()
    {
        _scheduler.AdvanceBy(Interval.Ticks * 10);

        Assert.Empty(_database.Writes);
    }

    [Fact]
    public async Task DisposeAsync_BeforeTheInterval_WritesWhatIsPending()
    {
        _journal.Metadata("cpu", Result("last"));
        _journal.Seen(DateTimeOffset.UnixEpoch.AddSeconds(9));

        await _journal.DisposeAsync();

        Assert.Equal("last", _database.State(Agent).Metadata["cpu"].Value);
        Assert.Equal(DateTimeOffset.UnixEpoch.AddSeconds(9), _database.State(Agent).LastSeenAt);
        _scheduler.AdvanceBy(Interval.Ticks * 2);
        Assert.Equal(2, _database.Writes.Count);
    }

    [Fact]
    public void Flush_DatabaseFails_KeptPendingAndWrittenNextIntervalUnderNewerValues()
    {
        _journal.Metadata("cpu", Result("old"));
        _journal.Metadata("host", Result("h"));
        _database.Failing = true;
        _scheduler.AdvanceBy(Interval.Ticks);
        _database.Failing = false;
        _journal.Metadata("cpu", Result("new"));

        _scheduler.AdvanceBy(Interval.Ticks);

        var state = _database.State(Agent);
        Assert.Equal("new", state.Metadata["cpu"].Value);
        Assert.Equal("h", state.Metadata["host"].Value);
        Assert.Equal(["SaveMetadataAsync main"], _database.Writes);
    }

    [Fact]
    public async Task RecordLifecycleAsync_DatabaseFails_ThrowsAgentJournalException()
    {
        _database.Failing = true;

        var error = await Assert.ThrowsAsync<AgentJournalException>(
            () => _journal.RecordLifecycleAsync(new LifecycleReport(LifecycleState.Ready, DateTimeOffset.UnixEpoch), CancellationToken.None));

        Assert.Contains("lifecycle report", error.Message, StringComparison.Ordinal);
        Assert.Empty(_database.State(Agent).Lifecycle);
    }

    [Fact]
    public async Task Flush_WhileADurableWriteIsInFlight_WaitsForIt()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _database.Gate = () => release.Task;
        var durable = _journal.RecordLogsAsync(LogSources.Startup, [new StartupLog(DateTimeOffset.UnixEpoch, "line")], CancellationToken.None);
        _journal.Seen(DateTimeOffset.UnixEpoch);

        _scheduler.AdvanceBy(Interval.Ticks);
        var whileHeld = _database.Writes.Count;
        _database.Gate = null;
        release.SetResult();
        await durable;
        await Eventually.WaitAsync(() => _database.Writes.Count == 2, "the flush after the durable write");

        Assert.Equal(0, whileHeld);
        Assert.Equal(["AppendLogsAsync main", "SaveLastSeenAsync main"], _database.Writes);
        Assert.Equal(0, _database.OverlappingWrites);
    }

    private static MetadataResult Result(string value) => new(DateTimeOffset.UnixEpoch, 0, value, string.Empty);
}
