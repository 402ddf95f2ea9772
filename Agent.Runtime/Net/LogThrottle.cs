namespace Agent.Runtime.Net;

/// <summary>
/// Lets one event of a kind through per interval and counts the ones held back, so a flood (a client reopening
/// refused connections as fast as they close) writes a line per interval instead of a line per event. Thread-safe.
/// </summary>
public sealed class LogThrottle(TimeSpan interval, TimeProvider? timeProvider = null)
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private readonly Lock _gate = new();
    private long? _lastLogged;
    private int _suppressed;

    /// <summary>Whether this event may be logged now; <paramref name="suppressed"/> counts the ones held back since the last.</summary>
    public bool TryEnter(out int suppressed)
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            if (_lastLogged is { } last && _time.GetElapsedTime(last, now) < interval)
            {
                _suppressed++;
                suppressed = 0;
                return false;
            }

            _lastLogged = now;
            suppressed = _suppressed;
            _suppressed = 0;
            return true;
        }
    }
}
