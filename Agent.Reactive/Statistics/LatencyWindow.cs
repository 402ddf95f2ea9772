namespace Agent.Reactive.Statistics;

/// <summary>
/// The latest <c>capacity</c> latency samples of a window, in milliseconds, and their median.
/// Not thread-safe: <see cref="AgentCounters"/> guards it.
/// </summary>
internal sealed class LatencyWindow(int capacity)
{
    private readonly double[] _samples = new double[capacity];
    private int _count;
    private int _next;

    public void Add(double milliseconds)
    {
        _samples[_next] = milliseconds;
        _next = (_next + 1) % _samples.Length;
        _count = Math.Min(_count + 1, _samples.Length);
    }

    /// <summary>The median of the kept samples (the mean of the middle two for an even count), or -1; then empties.</summary>
    public double TakeMedian()
    {
        if (_count == 0)
            return -1;
        var sorted = _samples.AsSpan(0, _count).ToArray();
        Array.Sort(sorted);
        var middle = sorted.Length / 2;
        var median = sorted.Length % 2 == 0 ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[middle];
        _count = 0;
        _next = 0;
        return median;
    }
}
