using Agent.Runtime.Api;
using Microsoft.Reactive.Testing;

namespace Agent.Specs.Runtime.Api;

public sealed class ListeningPortCacheSpecs
{
    private readonly TestScheduler _scheduler = new();
    private int _scans;
    private bool _fail;

    [Fact]
    public void Get_WithinOneSecond_ReusesTheScan()
    {
        var cache = Cache();

        var first = cache.Get();
        _scheduler.AdvanceBy(TimeSpan.FromMilliseconds(999).Ticks);
        var second = cache.Get();

        Assert.Same(first, second);
        Assert.Equal(1, _scans);
    }

    [Fact]
    public void Get_AfterOneSecond_ScansAgain()
    {
        var cache = Cache();

        cache.Get();
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(1).Ticks);
        var second = cache.Get();

        Assert.Equal(2, _scans);
        Assert.Equal(2, second[0].Port);
    }

    [Fact]
    public void Get_FailedScan_IsNotCached()
    {
        var cache = Cache();
        _fail = true;

        Assert.Throws<IOException>(cache.Get);
        _fail = false;
        var ports = cache.Get();

        Assert.Equal(2, _scans);
        Assert.Equal(2, ports[0].Port);
    }

    private ListeningPortCache Cache() => new(Scan, _scheduler, ListeningPortCache.DefaultMaxAge);

    private IReadOnlyList<ListeningPort> Scan()
    {
        _scans++;
        if (_fail)
            throw new IOException("proc is gone");
        return [new ListeningPort("python3", "tcp", _scans)];
    }
}
