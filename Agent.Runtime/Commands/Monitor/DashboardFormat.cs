using System.Globalization;

namespace Agent.Runtime.Commands.Monitor;

/// <summary>Short human forms of durations, byte counts and times for the dashboard.</summary>
public static class DashboardFormat
{
    /// <summary><c>850 ms</c>, <c>4.2 s</c>, <c>3 m 07 s</c>, <c>2 h 05 m</c>, <c>3 d 04 h</c>.</summary>
    public static string Duration(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero)
            duration = TimeSpan.Zero;
        return duration switch
        {
            { TotalSeconds: < 1 } => Invariant($"{duration.TotalMilliseconds:0} ms"),
            { TotalMinutes: < 1 } => Invariant($"{Math.Floor(duration.TotalSeconds * 10) / 10:0.0} s"),
            { TotalHours: < 1 } => Invariant($"{duration.Minutes} m {duration.Seconds:00} s"),
            { TotalDays: < 1 } => Invariant($"{duration.Hours} h {duration.Minutes:00} m"),
            _ => Invariant($"{(int)duration.TotalDays} d {duration.Hours:00} h"),
        };
    }

    /// <summary><c>512 B</c>, <c>1.5 KiB</c>, <c>3.0 MiB</c>, ...</summary>
    public static string Bytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
        if (bytes < 1024)
            return Invariant($"{bytes} B");
        var value = (double)bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return Invariant($"{value:0.0} {units[unit]}");
    }

    /// <summary>Local wall-clock time of day, <c>HH:mm:ss</c>.</summary>
    public static string Time(DateTimeOffset at) => at.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
