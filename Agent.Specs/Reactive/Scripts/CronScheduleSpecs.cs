using Agent.Reactive.Scripts;

namespace Agent.Specs.Reactive.Scripts;

public sealed class CronScheduleSpecs
{
    private static readonly TimeZoneInfo Utc = TimeZoneInfo.Utc;
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    [Theory]
    [InlineData("* * * * * *", "2026-01-01T00:00:00Z", "2026-01-01T00:00:01Z")]
    [InlineData("0 * * * * *", "2026-01-01T00:00:00Z", "2026-01-01T00:01:00Z")]
    [InlineData("*/15 * * * * *", "2026-01-01T00:00:14Z", "2026-01-01T00:00:15Z")]
    [InlineData("5/20 * * * * *", "2026-01-01T00:00:26Z", "2026-01-01T00:00:45Z")]
    [InlineData("0 0 9-17/4 * * *", "2026-01-01T09:00:00Z", "2026-01-01T13:00:00Z")]
    [InlineData("0 30 8,12,18 * * *", "2026-01-01T12:30:00Z", "2026-01-01T18:30:00Z")]
    [InlineData("0 0 0 1 jan *", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z")]
    [InlineData("0 0 0 * * MON-FRI", "2026-01-02T12:00:00Z", "2026-01-05T00:00:00Z")] // Friday noon: Monday
    [InlineData("0 0 0 * * sun", "2026-01-01T00:00:00Z", "2026-01-04T00:00:00Z")]
    [InlineData("0 0 0 13 * fri", "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z")] // both days restricted: either matches
    [InlineData("0 0 0 ? * 6", "2026-01-01T00:00:00Z", "2026-01-03T00:00:00Z")]
    [InlineData("0 0 0 31 * *", "2026-02-01T00:00:00Z", "2026-03-31T00:00:00Z")]
    [InlineData("0 0 0 29 feb *", "2026-01-01T00:00:00Z", "2028-02-29T00:00:00Z")]
    [InlineData("0 0 12 * *", "2026-01-01T00:00:00Z", "2026-01-01T12:00:00Z")] // five fields: the day of the week left out
    [InlineData("CRON_TZ=Europe/Berlin 0 0 12 * * *", "2026-01-01T00:00:00Z", "2026-01-01T11:00:00Z")]
    [InlineData("TZ=America/New_York 0 0 12 * * *", "2026-01-01T00:00:00Z", "2026-01-01T17:00:00Z")]
    public void Next_ValidSchedule_FirstOccurrenceAfter(string cron, string after, string expected)
    {
        Assert.True(CronSchedule.TryParse(cron, out var schedule, out var error), error);

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), schedule.Next(DateTimeOffset.Parse(after, System.Globalization.CultureInfo.InvariantCulture), Utc));
    }

    [Theory]
    [InlineData("", "expected six fields")]
    [InlineData("* * * *", "found 4")]
    [InlineData("* * * * * * *", "found 7")]
    [InlineData("60 * * * * *", "second field \"60\": 60 is above the largest value 59")]
    [InlineData("* 60 * * * *", "minute field")]
    [InlineData("* * 24 * * *", "hour field")]
    [InlineData("* * * 0 * *", "day-of-month field \"0\": 0 is below the smallest value 1")]
    [InlineData("* * * * 13 *", "month field")]
    [InlineData("* * * * * 7", "day-of-week field")]
    [InlineData("* * * * foo *", "\"foo\" is not a number or a name")]
    [InlineData("*/0 * * * * *", "the step in \"*/0\" must be a positive number")]
    [InlineData("5-1 * * * * *", "starts after it ends")]
    [InlineData("1-2-3 * * * * *", "too many hyphens")]
    [InlineData("1/2/3 * * * * *", "too many slashes")]
    [InlineData("a * * * * *", "\"a\" is not a number")]
    [InlineData("-1 * * * * *", "is not a number")]
    [InlineData("@daily", "\"@daily\" is not accepted")]
    [InlineData("@every 5s", "is not accepted")]
    [InlineData("CRON_TZ=Nowhere/Atlantis * * * * * *", "unknown time zone \"Nowhere/Atlantis\"")]
    public void TryParse_InvalidSchedule_SaysWhy(string cron, string why)
    {
        Assert.False(CronSchedule.TryParse(cron, out var schedule, out var error));

        Assert.Null(schedule);
        Assert.Contains(why, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Next_Unsatisfiable_Null()
    {
        Assert.True(CronSchedule.TryParse("0 0 0 30 feb *", out var schedule, out _));

        Assert.Null(schedule.Next(At("2026-01-01T00:00:00Z"), Utc));
    }

    [Theory]
    [InlineData("America/New_York", "2026-03-08T01:59:59-05:00", "0 30 2 * * *", "2026-03-09T02:30:00-04:00")] // 02:30 does not exist on 8 March
    [InlineData("America/New_York", "2026-03-08T00:00:00-05:00", "0 0 * * * *", "2026-03-08T01:00:00-05:00")]
    [InlineData("America/New_York", "2026-03-08T01:00:00-05:00", "0 0 * * * *", "2026-03-08T03:00:00-04:00")] // 02:00 skipped
    [InlineData("Europe/Berlin", "2026-03-29T01:30:00+01:00", "0 30 2 * * *", "2026-03-30T02:30:00+02:00")]
    [InlineData("Europe/Berlin", "2026-03-29T01:00:00+01:00", "0 */30 * * * *", "2026-03-29T01:30:00+01:00")]
    [InlineData("Europe/Berlin", "2026-03-29T01:30:00+01:00", "0 */30 * * * *", "2026-03-29T03:00:00+02:00")]
    public void Next_SpringForward_TimeThatDoesNotExistIsSkipped(string zone, string after, string cron, string expected)
        => Assert.Equal(At(expected), Parse(cron).Next(At(after), TimeZoneInfo.FindSystemTimeZoneById(zone)));

    [Theory]
    [InlineData("America/New_York", "2026-11-01T00:00:00-04:00", "0 30 1 * * *", "2026-11-01T01:30:00-04:00")] // the first 01:30
    [InlineData("America/New_York", "2026-11-01T01:30:00-04:00", "0 30 1 * * *", "2026-11-02T01:30:00-05:00")] // not the second
    [InlineData("America/New_York", "2026-11-01T01:00:00-04:00", "0 0 * * * *", "2026-11-01T02:00:00-05:00")] // 01:00 runs once
    [InlineData("Europe/Berlin", "2026-10-25T02:15:00+02:00", "0 30 2 * * *", "2026-10-25T02:30:00+02:00")]
    [InlineData("Europe/Berlin", "2026-10-25T02:30:00+02:00", "0 30 2 * * *", "2026-10-26T02:30:00+01:00")]
    [InlineData("Europe/Berlin", "2026-10-25T02:10:00+01:00", "0 30 2 * * *", "2026-10-25T02:30:00+01:00")] // counting starts in the repeated hour
    public void Next_FallBack_RepeatedHourRunsOnce(string zone, string after, string cron, string expected)
        => Assert.Equal(At(expected), Parse(cron).Next(At(after), TimeZoneInfo.FindSystemTimeZoneById(zone)));

    [Fact]
    public void Next_EveryMinuteThroughFallBack_NoWallClockMinuteTwice()
    {
        var schedule = Parse("0 * * * * *");
        var times = new List<DateTimeOffset>();
        var at = At("2026-11-01T00:30:00-04:00");
        while (times.Count < 120)
            times.Add(at = schedule.Next(at, NewYork)!.Value);

        var wallClock = times.Select(t => TimeZoneInfo.ConvertTime(t, NewYork).DateTime).ToList();
        Assert.Equal(wallClock.Count, wallClock.Distinct().Count());
        Assert.Equal(At("2026-11-01T02:00:00-05:00"), times[89]); // 00:31 … 01:59 EDT, then 02:00 EST
        Assert.True(times.Zip(times.Skip(1)).All(pair => pair.First < pair.Second));
    }

    [Fact]
    public void Next_ZoneFromTheText_WinsOverTheCallers()
        => Assert.Equal(At("2026-07-01T10:00:00Z"), Parse("CRON_TZ=Europe/Berlin 0 0 12 * * *").Next(At("2026-07-01T00:00:00Z"), NewYork));

    [Fact]
    public void Next_Berlin_SameWallClockAcrossTheChange()
        => Assert.Equal(At("2026-03-30T09:00:00+02:00"), Parse("0 0 9 * * *").Next(At("2026-03-29T09:00:00+02:00"), Berlin));

    private static CronSchedule Parse(string cron)
    {
        Assert.True(CronSchedule.TryParse(cron, out var schedule, out var error), error);
        return schedule;
    }

    private static DateTimeOffset At(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
}
