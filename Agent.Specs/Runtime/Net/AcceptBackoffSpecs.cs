using System.Net.Sockets;
using Agent.Runtime.Net;
using Microsoft.Reactive.Testing;

namespace Agent.Specs.Runtime.Net;

public class AcceptBackoffSpecs
{
    private readonly TestScheduler _scheduler = new();
    private readonly List<long> _attempts = [];
    private readonly List<string> _reports = [];
    private readonly Socket _accepted = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private int _failuresLeft;

    [Fact]
    public void Constructor_ArgumentChecking()
    {
        Assert.Throws<ArgumentNullException>(() => new AcceptBackoff(null!, Report()));
        Assert.Throws<ArgumentNullException>(() => new AcceptBackoff(AcceptAsync, null!));
    }

    [Fact]
    public async Task AcceptAsync_OutOfDescriptors_RetriesAfter5MsDoublingTo1sAndReportsTheBurstOnce()
    {
        _failuresLeft = 12;
        var backoff = new AcceptBackoff(AcceptAsync, Report(), _scheduler);

        var accepting = await OnDefaultSchedulerAsync(() =>
        {
            var accepting = backoff.AcceptAsync(CancellationToken.None);
            _scheduler.AdvanceTo(TimeSpan.FromSeconds(10).Ticks);
            return accepting;
        });

        Assert.True(accepting.IsCompleted, "accept returned within 10 s of virtual time");
        Assert.Same(_accepted, await accepting);
        long[] expectedMs = [0, 5, 15, 35, 75, 155, 315, 635, 1275, 2275, 3275, 4275, 5275];
        Assert.Equal(expectedMs.Select(ms => TimeSpan.FromMilliseconds(ms).Ticks), _attempts);
        Assert.Equal(["started: TooManyOpenSockets", "ended: 12 failures in 5275 ms"], _reports);
        Assert.Equal(0, backoff.Failures);
    }

    [Fact]
    public async Task AcceptAsync_AfterABurst_StartsOverAt5Ms()
    {
        _failuresLeft = 3;
        var backoff = new AcceptBackoff(AcceptAsync, Report(), _scheduler);
        var first = await OnDefaultSchedulerAsync(() =>
        {
            var first = backoff.AcceptAsync(CancellationToken.None);
            _scheduler.AdvanceTo(TimeSpan.FromSeconds(1).Ticks);
            return first;
        });
        Assert.Same(_accepted, await first);
        _attempts.Clear();

        _failuresLeft = 1;
        var second = await OnDefaultSchedulerAsync(() =>
        {
            var second = backoff.AcceptAsync(CancellationToken.None);
            _scheduler.AdvanceBy(TimeSpan.FromMilliseconds(5).Ticks);
            return second;
        });

        Assert.True(second.IsCompleted, "accept returned 5 ms after its one failure");
        Assert.Same(_accepted, await second);
        Assert.Equal([TimeSpan.FromSeconds(1).Ticks, TimeSpan.FromSeconds(1).Ticks + TimeSpan.FromMilliseconds(5).Ticks], _attempts);
        Assert.Equal(4, _reports.Count);
    }

    [Fact]
    public async Task AcceptAsync_CancelledWhileWaiting_ReturnsNull()
    {
        _failuresLeft = int.MaxValue;
        using var cancel = new CancellationTokenSource();
        var backoff = new AcceptBackoff(AcceptAsync, Report(), _scheduler);

        var accepting = backoff.AcceptAsync(cancel.Token);
        await cancel.CancelAsync();

        Assert.Null(await accepting.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Single(_attempts);
    }

    [Fact]
    public async Task AcceptAsync_ListenerClosed_ReturnsNull()
    {
        var backoff = new AcceptBackoff(_ => throw new ObjectDisposedException("socket"), Report(), _scheduler);

        Assert.Null(await backoff.AcceptAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Empty(_reports);
    }

    // The loop continues on the thread that fires its timer only when no other TaskScheduler is current (xunit
    // runs the spec body on its own): starting from Task.Run, AdvanceTo drives every retry before it returns.
    private static Task<Task<Socket?>> OnDefaultSchedulerAsync(Func<Task<Socket?>> drive)
        => Task.Factory.StartNew(drive, CancellationToken.None, TaskCreationOptions.None, TaskScheduler.Default);

    private ValueTask<Socket> AcceptAsync(CancellationToken cancellationToken)
    {
        _attempts.Add(_scheduler.Clock);
        if (_failuresLeft-- > 0)
            throw new SocketException((int)SocketError.TooManyOpenSockets);
        return ValueTask.FromResult(_accepted);
    }

    private AcceptBurstReport Report() => new(
        e => _reports.Add($"started: {e.SocketErrorCode}"),
        (failures, duration) => _reports.Add($"ended: {failures} failures in {duration.TotalMilliseconds:0} ms"));
}
