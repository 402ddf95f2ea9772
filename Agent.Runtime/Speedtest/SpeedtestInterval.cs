namespace Agent.Runtime.Speedtest;

/// <summary>
/// Bytes moved between <paramref name="Start"/> and <paramref name="End"/>, both measured from the start of the
/// data phase (tailscale's <c>speedtest.Result</c>, with offsets instead of wall-clock times).
/// </summary>
public sealed record SpeedtestInterval(TimeSpan Start, TimeSpan End, long Bytes)
{
    public TimeSpan Length => End - Start;

    /// <summary>Megabits (10^6 bits) per second, as Go's <c>MBitsPerSecond</c>; zero for an empty interval.</summary>
    public double MegabitsPerSecond => Length > TimeSpan.Zero ? Bytes * 8 / 1e6 / Length.TotalSeconds : 0;
}
