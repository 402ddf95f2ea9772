using Agent.Reactive.Statistics;

namespace Agent.Specs.Reactive.Statistics;

public sealed class AgentCountersSpecs
{
    [Fact]
    public void TakeWindow_Nothing_ReportsEmptyMapAndNoLatency()
    {
        var stats = new AgentCounters().TakeWindow();

        Assert.NotNull(stats.ConnectionsByProto);
        Assert.Empty(stats.ConnectionsByProto);
        Assert.Equal(-1, stats.ConnectionMedianLatencyMs);
        Assert.Equal(0, stats.ConnectionCount);
    }

    [Theory]
    [InlineData(new[] { 10.0, 30.0, 20.0 }, 20.0)]
    [InlineData(new[] { 10.0, 20.0 }, 15.0)]
    [InlineData(new[] { 7.5 }, 7.5)]
    public void TakeWindow_Latencies_ReportsMedianInMilliseconds(double[] samples, double median)
    {
        var counters = new AgentCounters();
        foreach (var sample in samples)
            counters.AddLatency(TimeSpan.FromMilliseconds(sample));

        Assert.Equal(median, counters.TakeWindow().ConnectionMedianLatencyMs);
        Assert.Equal(-1, counters.TakeWindow().ConnectionMedianLatencyMs);
    }

    [Fact]
    public void AddLatency_MoreThanTheCap_KeepsTheLatestSamples()
    {
        var counters = new AgentCounters();
        for (var i = 0; i < AgentCounters.MaxLatencySamples; i++)
            counters.AddLatency(TimeSpan.FromMilliseconds(1));
        for (var i = 0; i < AgentCounters.MaxLatencySamples; i++)
            counters.AddLatency(TimeSpan.FromMilliseconds(9));

        Assert.Equal(9, counters.TakeWindow().ConnectionMedianLatencyMs);
    }

    [Fact]
    public void SessionStarted_DisposedTwice_CountsDownOnce()
    {
        var counters = new AgentCounters();
        var first = counters.SessionStarted(SessionKind.Ssh);
        using var second = counters.SessionStarted(SessionKind.Ssh);
        using var terminal = counters.SessionStarted(SessionKind.ReconnectingPty);
        using var ide = counters.SessionStarted(SessionKind.JetBrains);

        first.Dispose();
        first.Dispose();

        var stats = counters.TakeWindow();
        Assert.Equal((1L, 1L, 1L, 0L), (stats.SessionCountSsh, stats.SessionCountReconnectingPty, stats.SessionCountJetBrains, stats.SessionCountVsCode));
        Assert.Equal(1, counters.TakeWindow().SessionCountSsh);
    }

    [Fact]
    public void ConnectionOpened_ManyProtocols_AreBoundedUnderOther()
    {
        var counters = new AgentCounters();
        for (var i = 0; i < AgentCounters.MaxProtocols + 10; i++)
            counters.ConnectionOpened("p" + i);

        var stats = counters.TakeWindow();
        Assert.Equal(AgentCounters.MaxProtocols + 1, stats.ConnectionsByProto!.Count);
        Assert.Equal(10, stats.ConnectionsByProto[AgentCounters.OtherProtocol]);
        Assert.Equal(AgentCounters.MaxProtocols + 10, stats.ConnectionCount);
    }

    [Fact]
    public void Counters_FromManyThreads_LoseNothing()
    {
        var counters = new AgentCounters();

        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                counters.ConnectionOpened("TCP");
                counters.AddReceived(3);
                counters.AddSent(2);
                counters.SessionStarted(SessionKind.Ssh).Dispose();
            }
        });

        var stats = counters.TakeWindow();
        Assert.Equal(80_000, stats.ConnectionCount);
        Assert.Equal(80_000, stats.ConnectionsByProto!["TCP"]);
        Assert.Equal((240_000L, 80_000L, 160_000L, 80_000L), (stats.RxBytes, stats.RxPackets, stats.TxBytes, stats.TxPackets));
        Assert.Equal(0, stats.SessionCountSsh);
    }

    [Fact]
    public void Totals_AcrossWindows_NeverReset()
    {
        var counters = new AgentCounters();
        counters.ConnectionOpened("TCP");
        counters.AddReceived(10);
        counters.AddSent(4);
        counters.TakeWindow();
        counters.ConnectionOpened("TCP");
        counters.AddReceived(5);

        var totals = counters.Totals();
        var window = counters.TakeWindow();

        Assert.Equal(2, totals.ConnectionsByProtocol["TCP"]);
        Assert.Equal((15L, 2L, 4L, 1L), (totals.RxBytes, totals.RxPackets, totals.TxBytes, totals.TxPackets));
        Assert.Equal(1, window.ConnectionsByProto!["TCP"]);
        Assert.Equal(5, window.RxBytes);
        Assert.Equal(15, counters.Totals().RxBytes);
    }

    [Fact]
    public void Totals_Sessions_CountOpenNowAndStartedEver()
    {
        var counters = new AgentCounters();
        var first = counters.SessionStarted(SessionKind.ReconnectingPty);
        using var second = counters.SessionStarted(SessionKind.ReconnectingPty);
        first.Dispose();
        first.Dispose();

        var totals = counters.Totals();

        Assert.Equal(1, totals.OpenSessions[SessionKind.ReconnectingPty]);
        Assert.Equal(2, totals.SessionsStarted[SessionKind.ReconnectingPty]);
        Assert.Equal(0, totals.OpenSessions[SessionKind.Ssh]);
    }
}
