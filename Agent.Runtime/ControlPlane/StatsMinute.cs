using System.Runtime.InteropServices;
using Agent.Reactive.Protocol;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// One minute of an agent's stats in <see cref="StatsHistory"/>: bytes summed over the minute's windows, session
/// counts and latency from its last window. 40 bytes; <see cref="Minute"/> 0 marks a slot never used.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal struct StatsMinute
{
    /// <summary>Minutes since 0001-01-01 UTC, plus one (0: empty).</summary>
    public int Minute;

    public int SessionsSsh;

    public int SessionsVsCode;

    public int SessionsJetBrains;

    public int SessionsReconnectingPty;

    public float MedianLatencyMs;

    public long RxBytes;

    public long TxBytes;

    /// <summary>Minute number (as <see cref="Minute"/> stores it) of server time <paramref name="at"/>.</summary>
    public static int Of(DateTimeOffset at) => (int)(at.UtcTicks / TimeSpan.TicksPerMinute) + 1;

    /// <summary>Adds a window taken during this minute: bytes add up, the rest is the newest window's.</summary>
    public void Take(Stats stats)
    {
        RxBytes = Saturating(RxBytes, stats.RxBytes);
        TxBytes = Saturating(TxBytes, stats.TxBytes);
        SessionsSsh = Count(stats.SessionCountSsh);
        SessionsVsCode = Count(stats.SessionCountVsCode);
        SessionsJetBrains = Count(stats.SessionCountJetBrains);
        SessionsReconnectingPty = Count(stats.SessionCountReconnectingPty);
        MedianLatencyMs = (float)stats.ConnectionMedianLatencyMs;
    }

    /// <summary>The point the API shows.</summary>
    public readonly StatsPoint ToPoint() => new(
        new DateTimeOffset((Minute - 1L) * TimeSpan.TicksPerMinute, TimeSpan.Zero),
        RxBytes,
        TxBytes,
        SessionsSsh,
        SessionsVsCode,
        SessionsJetBrains,
        SessionsReconnectingPty,
        MedianLatencyMs);

    // The agent reports these; a negative or absurd count is shown as 0 or the largest int, never wraps.
    private static int Count(long value) => (int)Math.Clamp(value, 0, int.MaxValue);

    private static long Saturating(long sum, long value)
    {
        var add = Math.Max(0, value);
        return sum > long.MaxValue - add ? long.MaxValue : sum + add;
    }
}
