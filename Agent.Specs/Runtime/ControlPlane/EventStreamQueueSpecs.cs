using System.Text;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;
using Agent.Runtime.Relay.Sse;
using Agent.Specs.Utilities;

namespace Agent.Specs.Runtime.ControlPlane;

public sealed class EventStreamQueueSpecs
{
    private static readonly DateTimeOffset At = new(2023, 6, 6, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Add_OneMetadataKeyOverAndOver_OnlyTheNewestWaitsInTheFirstOnesPlace()
    {
        using var queue = new EventStreamQueue(64 << 10);
        queue.SnapshotTaken();
        queue.Add(Metadata("cpu", "0"));
        queue.Add(new LogLine(At, LogSources.Startup, "between"));
        for (var i = 1; i <= 10_000; i++)
            queue.Add(Metadata("cpu", new string('x', 1000) + i));

        var frames = TakeAll(queue);

        Assert.Equal(2, frames.Count);
        Assert.Contains("x10000\"", frames[0], StringComparison.Ordinal);
        Assert.Contains("between", frames[1], StringComparison.Ordinal);
        Assert.Equal(0, queue.BytesWhenGivenUp);
        Assert.Equal(0, queue.Bytes);
    }

    [Fact]
    public void Add_LatestValueEvents_CoalesceByKindAndMetadataByKey()
    {
        using var queue = new EventStreamQueue(64 << 10);
        queue.SnapshotTaken();
        for (var i = 0; i < 100; i++)
        {
            queue.Add(new ConnectionChanged(At.AddSeconds(i), ConnectionState.Connected));
            queue.Add(new StatsReported(At.AddSeconds(i), new Stats { ConnectionCount = i, ConnectionsByProto = new Dictionary<string, long>() }));
            queue.Add(new AppHealthChanged(At.AddSeconds(i), new Dictionary<Guid, AppHealth>()));
            queue.Add(new StartupReported(At.AddSeconds(i), "v" + i, "/src", string.Empty));
            queue.Add(new RelayChanged(At.AddSeconds(i), ConnectionState.Connected));
            queue.Add(Metadata("a", "value", At.AddSeconds(i)));
            queue.Add(Metadata("b", "value", At.AddSeconds(i)));
        }

        var frames = TakeAll(queue);

        Assert.Equal(7, frames.Count);
        Assert.All(frames, frame => Assert.Contains("T12:01:39", frame, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Add_LogLinesPastTheBudget_GivesUpForgetsWhatWaitsAndEnds()
    {
        using var queue = new EventStreamQueue(16 << 10);
        queue.SnapshotTaken();

        for (var i = 0; i < 100; i++)
            queue.Add(new LogLine(At, LogSources.Startup, new string('x', 1000)));

        await Eventually.WaitAsync(() => queue.GaveUp.IsCancellationRequested, "the queue to give up");
        Assert.InRange(queue.BytesWhenGivenUp, (16 << 10) + 1, (16 << 10) + 1100);
        Assert.Equal(0, queue.Bytes);
        Assert.False(queue.TryTake(out _));
        queue.Acknowledge();
        Assert.False(await queue.WaitAsync(CancellationToken.None));
    }

    [Fact]
    public void Add_SnapshotLargerThanTheBudget_IsTakenAndTheBudgetCountsFromItsEnd()
    {
        using var queue = new EventStreamQueue(16 << 10);
        for (var i = 0; i < 64; i++)
            queue.Add(Metadata("key" + i, new string('x', 1000)));
        queue.SnapshotTaken();
        for (var i = 0; i < 10; i++)
            queue.Add(new LogLine(At, LogSources.Startup, new string('y', 1000)));

        Assert.False(queue.GaveUp.IsCancellationRequested);
        Assert.Equal(74, TakeAll(queue).Count);
    }

    [Fact]
    public async Task Complete_WithFramesWaiting_TheyAreReadThenTheQueueEnds()
    {
        using var queue = new EventStreamQueue(16 << 10);
        queue.Add(new LifecycleChanged(At, LifecycleState.Ready));
        queue.Complete();
        queue.Add(new LifecycleChanged(At, LifecycleState.Off));

        Assert.True(await queue.WaitAsync(CancellationToken.None));
        queue.Acknowledge();
        Assert.Single(TakeAll(queue));
        Assert.False(await queue.WaitAsync(CancellationToken.None));
        Assert.False(queue.GaveUp.IsCancellationRequested);
    }

    private static MetadataCollected Metadata(string key, string value, DateTimeOffset? at = null)
        => new(at ?? At, key, key, new MetadataResult(at ?? At, 0, value, string.Empty));

    private static List<string> TakeAll(EventStreamQueue queue)
    {
        var frames = new List<string>();
        while (queue.TryTake(out var frame))
            frames.Add(Encoding.UTF8.GetString(frame));
        return frames;
    }
}
