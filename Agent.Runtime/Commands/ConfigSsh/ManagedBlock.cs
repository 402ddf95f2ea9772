using System.Text;

namespace Agent.Runtime.Commands.ConfigSsh;

/// <summary>
/// A block of lines between a start and an end marker line inside a file the user also edits (~/.ssh/config, a
/// known-hosts file): replaced in place when present, appended otherwise; every byte outside it is kept as it was.
/// </summary>
public static class ManagedBlock
{
    /// <summary>
    /// <paramref name="existing"/> with the lines from <paramref name="startMarker"/> to <paramref name="endMarker"/>
    /// (inclusive) replaced by the markers around <paramref name="body"/> (lines ending in <c>\n</c>), or with that block
    /// appended. Throws <see cref="FormatException"/> when the markers are unbalanced (a start without an end, an end
    /// before the start, or more than one block): the file was edited by hand and guessing could lose lines.
    /// </summary>
    public static byte[] Apply(ReadOnlySpan<byte> existing, string startMarker, string endMarker, string body)
    {
        ArgumentException.ThrowIfNullOrEmpty(startMarker);
        ArgumentException.ThrowIfNullOrEmpty(endMarker);
        ArgumentNullException.ThrowIfNull(body);
        var block = Encoding.UTF8.GetBytes($"{startMarker}\n{body}{endMarker}\n");
        var starts = FindLines(existing, Encoding.UTF8.GetBytes(startMarker));
        var ends = FindLines(existing, Encoding.UTF8.GetBytes(endMarker));
        if (starts.Count == 0 && ends.Count == 0)
        {
            var separator = existing.Length > 0 && existing[^1] != (byte)'\n' ? "\n"u8 : [];
            return [.. existing, .. separator, .. block];
        }

        if (starts.Count != 1 || ends.Count != 1 || ends[0].Start < starts[0].Start)
            throw new FormatException($"the markers \"{startMarker}\" and \"{endMarker}\" are unbalanced; fix or remove them by hand");

        return [.. existing[..starts[0].Start], .. block, .. existing[ends[0].End..]];
    }

    // The lines equal to the marker (ignoring a trailing \r and spaces): their start and the index after their \n.
    private static List<(int Start, int End)> FindLines(ReadOnlySpan<byte> text, ReadOnlySpan<byte> marker)
    {
        var found = new List<(int Start, int End)>();
        var start = 0;
        while (start < text.Length)
        {
            var newline = text[start..].IndexOf((byte)'\n');
            var end = newline < 0 ? text.Length : start + newline + 1;
            var line = text[start..(newline < 0 ? text.Length : start + newline)].TrimEnd(" \t\r"u8);
            if (line.SequenceEqual(marker))
                found.Add((start, end));
            start = end;
        }

        return found;
    }
}
