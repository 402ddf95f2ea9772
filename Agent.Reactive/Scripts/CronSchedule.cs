using System.Diagnostics.CodeAnalysis;

namespace Agent.Reactive.Scripts;

/// <summary>
/// A script's schedule in Coder's cron form: six fields, seconds first (<c>second minute hour day-of-month month
/// day-of-week</c>; the day of the week may be left out), optionally behind <c>CRON_TZ=zone</c> or <c>TZ=zone</c>.
/// Occurrences are wall-clock times of a time zone: one that does not exist (a spring-forward gap) is skipped, one
/// that exists twice (a fall-back hour) runs once, at its first instant.
/// </summary>
public sealed class CronSchedule
{
    // Next gives up past this horizon: a schedule like "0 0 0 30 2 *" never matches.
    private static readonly TimeSpan Horizon = TimeSpan.FromDays(5 * 366);

    private readonly CronField _seconds;
    private readonly CronField _minutes;
    private readonly CronField _hours;
    private readonly CronField _daysOfMonth;
    private readonly CronField _months;
    private readonly CronField _daysOfWeek;

    private CronSchedule(string text, TimeZoneInfo? zone, CronField[] fields)
    {
        Text = text;
        Zone = zone;
        (_seconds, _minutes, _hours, _daysOfMonth, _months, _daysOfWeek) = (fields[0], fields[1], fields[2], fields[3], fields[4], fields[5]);
    }

    /// <summary>The schedule as written.</summary>
    public string Text { get; }

    /// <summary>The zone the text names (<c>CRON_TZ=</c>), or null for the caller's.</summary>
    public TimeZoneInfo? Zone { get; }

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> says what is wrong with it.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out CronSchedule? schedule, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        schedule = null;
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        TimeZoneInfo? zone = null;
        if (words.Length > 0 && (words[0].StartsWith("CRON_TZ=", StringComparison.Ordinal) || words[0].StartsWith("TZ=", StringComparison.Ordinal)))
        {
            var name = words[0][(words[0].IndexOf('=', StringComparison.Ordinal) + 1)..];
            if (!TimeZoneInfo.TryFindSystemTimeZoneById(name, out zone))
            {
                error = $"unknown time zone \"{name}\"";
                return false;
            }

            words = words[1..];
        }

        if (words.Length > 0 && words[0].StartsWith('@'))
        {
            error = $"\"{words[0]}\" is not accepted: write six fields, seconds first";
            return false;
        }

        if (words.Length is not (5 or 6))
        {
            error = $"expected six fields (second minute hour day-of-month month day-of-week), found {words.Length}";
            return false;
        }

        var fields = new CronField[6];
        (string Name, int Min, int Max, string[]? Names)[] layout =
        [
            ("second", 0, 59, null), ("minute", 0, 59, null), ("hour", 0, 23, null),
            ("day-of-month", 1, 31, null), ("month", 1, 12, CronField.MonthNames), ("day-of-week", 0, 6, CronField.DayNames),
        ];
        for (var i = 0; i < 6; i++)
        {
            var word = i < words.Length ? words[i] : "*";
            if (!CronField.TryParse(word, layout[i].Name, layout[i].Min, layout[i].Max, layout[i].Names, out fields[i], out var why))
            {
                error = why ?? "invalid";
                return false;
            }
        }

        schedule = new CronSchedule(text.Trim(), zone, fields);
        error = null;
        return true;
    }

    /// <summary>
    /// The first occurrence strictly after <paramref name="after"/>, in <see cref="Zone"/> or else
    /// <paramref name="zone"/>; null when there is none within five years.
    /// </summary>
    public DateTimeOffset? Next(DateTimeOffset after, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        zone = Zone ?? zone;
        var local = TimeZoneInfo.ConvertTime(after, zone).DateTime;
        var t = new DateTime(local.Ticks - (local.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Unspecified).AddSeconds(1);
        var limit = t + Horizon;
        while (t < limit)
        {
            if (!_months.Has(t.Month))
                t = new DateTime(t.Year, t.Month, 1, 0, 0, 0, DateTimeKind.Unspecified).AddMonths(1);
            else if (!DayMatches(t))
                t = t.Date.AddDays(1);
            else if (!_hours.Has(t.Hour))
                t = t.Date.AddHours(t.Hour + 1);
            else if (!_minutes.Has(t.Minute))
                t = t.Date.AddHours(t.Hour).AddMinutes(t.Minute + 1);
            else if (!_seconds.Has(t.Second))
                t = t.AddSeconds(1);
            else if (Instant(t, after, zone) is { } instant)
                return instant;
            else
                t = t.AddSeconds(1);
        }

        return null;
    }

    // The instant of wall-clock time t after `after`: none in a gap; the first of two in a repeated hour (the second
    // only when the first has passed, which happens when counting starts inside the repeated hour).
    private static DateTimeOffset? Instant(DateTime t, DateTimeOffset after, TimeZoneInfo zone)
    {
        if (zone.IsInvalidTime(t))
            return null;
        if (!zone.IsAmbiguousTime(t))
            return new DateTimeOffset(t, zone.GetUtcOffset(t));
        foreach (var offset in zone.GetAmbiguousTimeOffsets(t).OrderDescending())
        {
            var candidate = new DateTimeOffset(t, offset);
            if (candidate > after)
                return candidate;
        }

        return null;
    }

    // robfig/cron: when either day field is unrestricted (*), both must match; otherwise either may.
    private bool DayMatches(DateTime t)
    {
        var dom = _daysOfMonth.Has(t.Day);
        var dow = _daysOfWeek.Has((int)t.DayOfWeek);
        return _daysOfMonth.Star || _daysOfWeek.Star ? dom && dow : dom || dow;
    }
}
