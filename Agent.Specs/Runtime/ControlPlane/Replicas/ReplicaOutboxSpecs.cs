using Agent.Reactive.Protocol;
using Agent.Runtime.ControlPlane;
using Agent.Runtime.ControlPlane.Replicas;
using Agent.Specs.Fakes.ControlPlane;
using Agent.Specs.Utilities;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Reactive.Testing;

namespace Agent.Specs.Runtime.ControlPlane.Replicas;

/// <summary>What goes out to the peers: in order, numbered, "seen" throttled, drops seen as gaps.</summary>
public sealed class ReplicaOutboxSpecs
{
    private static readonly DateTimeOffset At = new(2023, 6, 6, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid Self = Guid.Parse("6a0c1f3e-0000-4000-8000-000000000002");
    private static readonly Guid Peer = Guid.Parse("6a0c1f3e-0000-4000-8000-000000000001");
    private static readonly TimeSpan SeenEvery = TimeSpan.FromSeconds(7.5);
    private readonly TestScheduler _scheduler = new();
    private readonly FakeReplicaChannel _channel = new();

    [Fact]
    public async Task Post_SeenEverySecond_SentOncePerWindowPerAgent()
    {
        await using var outbox = new ReplicaOutbox(Self, _channel, ReplicaFanOut.MaxQueueBytes, SeenEvery, _scheduler, NullLogger.Instance);

        for (var second = 0; second <= 15; second++)
        {
            _scheduler.AdvanceTo(TimeSpan.FromSeconds(second).Ticks);
            outbox.Post(new AgentChange("main", AgentChangeKind.Seen, _scheduler.Now));
            outbox.Post(new AgentChange("other", AgentChangeKind.Seen, _scheduler.Now));
        }

        outbox.Post(Stats());
        await Eventually.WaitAsync(() => _channel.Sent.Count == 5, "five changes sent");
        var received = _channel.Sent.Select(new ReplicaInbox(Peer).Accept).ToList();

        Assert.All(received, result => Assert.Equal(InboxResultKind.Change, result.Kind));
        Assert.Equal(
            [("main", 0), ("other", 0), ("main", 8), ("other", 8), ("main", -1)],
            received.Select(result => (result.Received!.Agent, result.Received.Kind == AgentChangeKind.Seen ? (int)TimeSpan.FromTicks(result.Received.At.UtcTicks).TotalSeconds : -1)));
    }

    [Fact]
    public async Task Post_QueueFull_TheChangeIsDroppedAndThePeersSeeTheGap()
    {
        var release = new TaskCompletionSource();
        _channel.Gate = () => release.Task;
        var one = ReplicaMessage.Encode(Self, 1, Stats()).Sum(payload => payload.Length);
        await using var outbox = new ReplicaOutbox(Self, _channel, one, SeenEvery, _scheduler, NullLogger.Instance);

        outbox.Post(Stats());
        await Eventually.WaitAsync(() => _channel.SendsStarted == 1, "the first send is in flight");
        outbox.Post(Stats());
        outbox.Post(Stats());
        release.SetResult();
        await Eventually.WaitAsync(() => _channel.Sent.Count == 2, "two sent");
        outbox.Post(Stats());
        await Eventually.WaitAsync(() => _channel.Sent.Count == 3, "the next sent");
        var inbox = new ReplicaInbox(Peer);

        Assert.Equal([InboxResultKind.Change, InboxResultKind.Change, InboxResultKind.Gap], _channel.Sent.Select(inbox.Accept).Select(result => result.Kind));
    }

    [Fact]
    public async Task Post_SendFails_ThePeersSeeTheGap()
    {
        using var logs = new CapturingLoggerProvider();
        await using var outbox = new ReplicaOutbox(Self, _channel, ReplicaFanOut.MaxQueueBytes, SeenEvery, _scheduler, logs.CreateLogger("outbox"));
        outbox.Post(Stats());
        await Eventually.WaitAsync(() => _channel.Sent.Count == 1, "one sent");
        _channel.Failing = true;
        outbox.Post(Stats());
        await Eventually.WaitAsync(() => logs.Entries.Any(entry => entry.EventId.Id == 6592), "the failed send dropped what was queued and logged it");
        _channel.Failing = false;

        outbox.Post(Stats());
        await Eventually.WaitAsync(() => _channel.Sent.Count == 2, "the next sent");
        var inbox = new ReplicaInbox(Peer);

        Assert.Equal([InboxResultKind.Change, InboxResultKind.Gap], _channel.Sent.Select(inbox.Accept).Select(result => result.Kind));
    }

    [Fact]
    public async Task Post_ChangesQueuedBehindASend_GoOutTogetherInTheNextRoundTripInOrder()
    {
        var release = new TaskCompletionSource();
        _channel.Gate = () => release.Task;
        await using var outbox = new ReplicaOutbox(Self, _channel, ReplicaFanOut.MaxQueueBytes, SeenEvery, _scheduler, NullLogger.Instance);
        outbox.Post(Stats());
        await Eventually.WaitAsync(() => _channel.SendsStarted == 1, "the first send is in flight");

        for (var i = 0; i < 20; i++)
            outbox.Post(Stats());
        release.SetResult();
        await Eventually.WaitAsync(() => _channel.Sent.Count == 21, "all sent");
        var inbox = new ReplicaInbox(Peer);

        Assert.Equal(2, _channel.SendsStarted);
        Assert.All(_channel.Sent.Select(inbox.Accept), result => Assert.Equal(InboxResultKind.Change, result.Kind));
    }

    [Fact]
    public async Task Dispose_ChangesQueued_SentBeforeItStopsAndLaterOnesDropped()
    {
        var release = new TaskCompletionSource();
        _channel.Gate = () => release.Task;
        var outbox = new ReplicaOutbox(Self, _channel, ReplicaFanOut.MaxQueueBytes, SeenEvery, _scheduler, NullLogger.Instance);
        outbox.Post(Stats());
        await Eventually.WaitAsync(() => _channel.SendsStarted == 1, "the first send is in flight");
        outbox.Post(Stats());

        var stopping = outbox.DisposeAsync();
        outbox.Post(Stats());
        release.SetResult();
        await stopping;

        Assert.Equal(2, _channel.Sent.Count);
    }

    private static AgentChange Stats()
        => new("main", AgentChangeKind.Stats, At) { Stats = new Stats { ConnectionsByProto = new Dictionary<string, long>(), RxBytes = 1 } };
}
