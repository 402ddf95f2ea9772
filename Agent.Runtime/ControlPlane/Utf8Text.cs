using System.Text;

namespace Agent.Runtime.ControlPlane;

/// <summary>Byte lengths and byte-bounded truncation of text as UTF-8 (Go strings are bytes).</summary>
internal static class Utf8Text
{
    public static int ByteCount(string text) => Encoding.UTF8.GetByteCount(text);

    /// <summary>The longest prefix of <paramref name="text"/> whose UTF-8 form fits in <paramref name="maxBytes"/>, cut between characters.</summary>
    public static string Truncate(string text, int maxBytes)
    {
        if (text.Length <= maxBytes / 3 || ByteCount(text) <= maxBytes)
            return text;
        var bytes = 0;
        var chars = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > maxBytes)
                break;
            bytes += rune.Utf8SequenceLength;
            chars += rune.Utf16SequenceLength;
        }

        return text[..chars];
    }
}
