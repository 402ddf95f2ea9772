using System.Globalization;

namespace Agent.Reactive.Scripts;

/// <summary>
/// One field of a cron schedule as a set of values (bit <c>n</c> set: value <c>n</c> matches), parsed as robfig/cron
/// (Coder's parser) does: a comma-separated list of <c>*</c>, <c>?</c>, <c>a</c>, <c>a-b</c>, each optionally with
/// <c>/step</c> (<c>a/step</c> runs from <c>a</c> to the field's end); names where the field has them.
/// </summary>
internal readonly record struct CronField(ulong Values, bool Star)
{
    public static readonly string[] MonthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    public static readonly string[] DayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

    public bool Has(int value) => (Values & (1UL << value)) != 0;

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> says why, naming <paramref name="name"/>.</summary>
    /// <param name="text">The field.</param>
    /// <param name="name">The field's name, for the error.</param>
    /// <param name="min">The smallest value.</param>
    /// <param name="max">The largest value.</param>
    /// <param name="names">Names of the values from <paramref name="min"/> on, or null.</param>
    /// <param name="field">The parsed field.</param>
    /// <param name="error">Why it did not parse.</param>
    public static bool TryParse(string text, string name, int min, int max, string[]? names, out CronField field, out string? error)
    {
        field = default;
        ulong values = 0;
        var star = false;
        foreach (var part in text.Split(','))
        {
            if (!TryParseRange(part, min, max, names, out var bits, out var partStar, out var why))
            {
                error = $"{name} field \"{text}\": {why}";
                return false;
            }

            values |= bits;
            star |= partStar;
        }

        field = new CronField(values, star);
        error = null;
        return true;
    }

    private static bool TryParseRange(string part, int min, int max, string[]? names, out ulong bits, out bool star, out string? error)
    {
        bits = 0;
        star = false;
        var rangeAndStep = part.Split('/');
        if (rangeAndStep.Length > 2)
            return Fail($"too many slashes in \"{part}\"", out error);
        var lowAndHigh = rangeAndStep[0].Split('-');
        if (lowAndHigh.Length > 2)
            return Fail($"too many hyphens in \"{part}\"", out error);

        int start, end;
        if (lowAndHigh[0] is "*" or "?")
        {
            if (lowAndHigh.Length > 1)
                return Fail($"\"{part}\" is not a range", out error);
            (start, end, star) = (min, max, true);
        }
        else
        {
            if (!TryValue(lowAndHigh[0], min, names, out start, out error))
                return false;
            end = start;
            if (lowAndHigh.Length == 2 && !TryValue(lowAndHigh[1], min, names, out end, out error))
                return false;
        }

        var step = 1;
        if (rangeAndStep.Length == 2)
        {
            if (!int.TryParse(rangeAndStep[1], NumberStyles.None, CultureInfo.InvariantCulture, out step) || step <= 0)
                return Fail($"the step in \"{part}\" must be a positive number", out error);
            if (lowAndHigh.Length == 1 && !star)
                end = max; // "a/step": from a to the end of the field
            star = false;
        }

        if (start < min)
            return Fail($"{start} is below the smallest value {min}", out error);
        if (end > max)
            return Fail($"{end} is above the largest value {max}", out error);
        if (start > end)
            return Fail($"the range \"{part}\" starts after it ends", out error);

        for (var value = start; value <= end; value += step)
            bits |= 1UL << value;
        error = null;
        return true;
    }

    private static bool TryValue(string text, int min, string[]? names, out int value, out string? error)
    {
        if (names is not null)
        {
            var index = Array.FindIndex(names, n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase));
            if (index >= 0)
            {
                value = min + index;
                error = null;
                return true;
            }
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value))
        {
            error = null;
            return true;
        }

        return Fail($"\"{text}\" is not a number{(names is null ? string.Empty : " or a name")}", out error);
    }

    private static bool Fail(string why, out string? error)
    {
        error = why;
        return false;
    }
}
