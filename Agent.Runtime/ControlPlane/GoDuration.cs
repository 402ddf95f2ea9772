using System.Globalization;

namespace Agent.Runtime.ControlPlane;

/// <summary>Durations written as Go's <c>time.ParseDuration</c> reads them: <c>300ms</c>, <c>30s</c>, <c>1m30s</c>, <c>2h</c>.</summary>
public static class GoDuration
{
    private static readonly (string Unit, long Ticks)[] Units =
    [
        ("ns", 0), ("us", 10), ("µs", 10), ("ms", TimeSpan.TicksPerMillisecond),
        ("s", TimeSpan.TicksPerSecond), ("m", TimeSpan.TicksPerMinute), ("h", TimeSpan.TicksPerHour),
    ];

    /// <summary>Parses a positive or zero duration; nanoseconds below 100 round down to zero ticks.</summary>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        var rest = text.Trim().AsSpan();
        if (rest.SequenceEqual("0"))
            return true;
        decimal ticks = 0;
        while (!rest.IsEmpty)
        {
            var numberLength = 0;
            while (numberLength < rest.Length && (char.IsAsciiDigit(rest[numberLength]) || rest[numberLength] == '.'))
                numberLength++;
            if (numberLength == 0
                || !decimal.TryParse(rest[..numberLength], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            rest = rest[numberLength..];
            var unitLength = 0;
            while (unitLength < rest.Length && !char.IsAsciiDigit(rest[unitLength]) && rest[unitLength] != '.')
                unitLength++;
            var unit = rest[..unitLength].ToString();
            rest = rest[unitLength..];
            var match = Array.FindIndex(Units, candidate => candidate.Unit == unit);
            if (match < 0)
                return false;
            ticks += match == 0 ? number / 100 : number * Units[match].Ticks;
            if (ticks > TimeSpan.MaxValue.Ticks)
                return false;
        }

        duration = TimeSpan.FromTicks((long)ticks);
        return true;
    }
}
