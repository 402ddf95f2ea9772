using System.Text;

namespace Agent.Runtime.Discovery;

/// <summary>DNS labels: at most 63 bytes of UTF-8; host names only letters, digits and hyphens.</summary>
public static class DnsLabel
{
    public const int MaxBytes = 63;

    /// <summary><paramref name="text"/> cut to whole characters within 63 bytes of UTF-8 (empty becomes <c>agent</c>).</summary>
    public static string Cut(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
            return "agent";
        var builder = new StringBuilder();
        var bytes = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > MaxBytes)
                break;
            bytes += rune.Utf8SequenceLength;
            builder.Append(rune.ToString());
        }

        return builder.ToString();
    }

    /// <summary>Lower-case letters, digits and hyphens only (others become hyphens), at most 40 characters.</summary>
    public static string HostSafe(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder();
        foreach (var c in text.ToLowerInvariant())
        {
            if (builder.Length == 40)
                break;
            builder.Append(char.IsAsciiLetterOrDigit(c) ? c : '-');
        }

        var safe = builder.ToString().Trim('-');
        return safe.Length == 0 ? "x" : safe;
    }
}
