using System.Reactive.Disposables;

namespace Agent.Reactive.Statistics;

/// <summary>
/// The agent's connection and traffic counters, fed by the services and read one window at a time by
/// <see cref="StatsReporting"/>. Window counters (connections, bytes, packets, latencies) reset on
/// <see cref="TakeWindow"/>; session gauges count what is open now and do not. <see cref="Totals"/> reads
/// cumulative counters that never reset (for <c>/metrics</c>). Thread-safe.
/// </summary>
public sealed class AgentCounters
{
    /// <summary>Distinct protocol names kept per window; further names are counted under <see cref="OtherProtocol"/>.</summary>
    public const int MaxProtocols = 64;

    /// <summary>Latency samples kept per window (the latest win).</summary>
    public const int MaxLatencySamples = 1024;

    /// <summary>Where connections of protocols beyond <see cref="MaxProtocols"/> are counted.</summary>
    public const string OtherProtocol = "other";

    private readonly Lock _gate = new();
    private readonly LatencyWindow _latencies = new(MaxLatencySamples);
    private readonly long[] _sessions = new long[Enum.GetValues<SessionKind>().Length];
    private readonly long[] _sessionsStarted = new long[Enum.GetValues<SessionKind>().Length];
    private readonly Dictionary<string, long> _connectionsTotalByProto = new(StringComparer.Ordinal);
    private Dictionary<string, long> _connectionsByProto = new(StringComparer.Ordinal);
    private long _connectionCount;
    private long _rxBytes;
    private long _rxPackets;
    private long _txBytes;
    private long _txPackets;
    private long _rxBytesTotal;
    private long _rxPacketsTotal;
    private long _txBytesTotal;
    private long _txPacketsTotal;

    /// <summary>Counts an open session of <paramref name="kind"/> until the result is disposed (once).</summary>
    public IDisposable SessionStarted(SessionKind kind)
    {
        if (!Enum.IsDefined(kind))
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown session kind");
        Interlocked.Increment(ref _sessions[(int)kind]);
        Interlocked.Increment(ref _sessionsStarted[(int)kind]);
        return Disposable.Create(() => Interlocked.Decrement(ref _sessions[(int)kind]));
    }

    /// <summary>Counts a connection of the window, by protocol (e.g. <c>"TCP"</c>, as Coder's tailnet names them).</summary>
    public void ConnectionOpened(string protocol)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        lock (_gate)
        {
            _connectionCount++;
            var key = _connectionsByProto.Count >= MaxProtocols && !_connectionsByProto.ContainsKey(protocol)
                ? OtherProtocol
                : protocol;
            _connectionsByProto[key] = _connectionsByProto.GetValueOrDefault(key) + 1;
            var totalKey = _connectionsTotalByProto.Count >= MaxProtocols && !_connectionsTotalByProto.ContainsKey(protocol)
                ? OtherProtocol
                : protocol;
            _connectionsTotalByProto[totalKey] = _connectionsTotalByProto.GetValueOrDefault(totalKey) + 1;
        }
    }

    /// <summary>Counts one received packet (or chunk) of <paramref name="bytes"/> bytes.</summary>
    public void AddReceived(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        Interlocked.Add(ref _rxBytes, bytes);
        Interlocked.Increment(ref _rxPackets);
        Interlocked.Add(ref _rxBytesTotal, bytes);
        Interlocked.Increment(ref _rxPacketsTotal);
    }

    /// <summary>Counts one sent packet (or chunk) of <paramref name="bytes"/> bytes.</summary>
    public void AddSent(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        Interlocked.Add(ref _txBytes, bytes);
        Interlocked.Increment(ref _txPackets);
        Interlocked.Add(ref _txBytesTotal, bytes);
        Interlocked.Increment(ref _txPacketsTotal);
    }

    /// <summary>Adds a round-trip sample to the window's median.</summary>
    public void AddLatency(TimeSpan latency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(latency, TimeSpan.Zero);
        lock (_gate)
            _latencies.Add(latency.TotalMilliseconds);
    }

    /// <summary>The cumulative counters since the agent started (never reset, unlike <see cref="TakeWindow"/>).</summary>
    public AgentCounterTotals Totals()
    {
        Dictionary<string, long> byProto;
        lock (_gate)
            byProto = new Dictionary<string, long>(_connectionsTotalByProto, StringComparer.Ordinal);
        var open = new Dictionary<SessionKind, long>();
        var started = new Dictionary<SessionKind, long>();
        foreach (var kind in Enum.GetValues<SessionKind>())
        {
            open[kind] = Interlocked.Read(ref _sessions[(int)kind]);
            started[kind] = Interlocked.Read(ref _sessionsStarted[(int)kind]);
        }

        return new AgentCounterTotals(
            byProto,
            Interlocked.Read(ref _rxBytesTotal),
            Interlocked.Read(ref _rxPacketsTotal),
            Interlocked.Read(ref _txBytesTotal),
            Interlocked.Read(ref _txPacketsTotal),
            open,
            started);
    }

    /// <summary>The window's stats (connections, median latency or -1, traffic, current sessions); starts a new window.</summary>
    public Protocol.Stats TakeWindow()
    {
        Dictionary<string, long> byProto;
        long connections;
        double median;
        lock (_gate)
        {
            byProto = _connectionsByProto;
            _connectionsByProto = new Dictionary<string, long>(StringComparer.Ordinal);
            connections = _connectionCount;
            _connectionCount = 0;
            median = _latencies.TakeMedian();
        }

        return new Protocol.Stats
        {
            ConnectionsByProto = byProto,
            ConnectionCount = connections,
            ConnectionMedianLatencyMs = median,
            RxBytes = Interlocked.Exchange(ref _rxBytes, 0),
            RxPackets = Interlocked.Exchange(ref _rxPackets, 0),
            TxBytes = Interlocked.Exchange(ref _txBytes, 0),
            TxPackets = Interlocked.Exchange(ref _txPackets, 0),
            SessionCountSsh = Interlocked.Read(ref _sessions[(int)SessionKind.Ssh]),
            SessionCountVsCode = Interlocked.Read(ref _sessions[(int)SessionKind.VsCode]),
            SessionCountJetBrains = Interlocked.Read(ref _sessions[(int)SessionKind.JetBrains]),
            SessionCountReconnectingPty = Interlocked.Read(ref _sessions[(int)SessionKind.ReconnectingPty]),
        };
    }
}
