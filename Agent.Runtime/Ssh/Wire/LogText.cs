namespace Agent.Runtime.Ssh.Wire;

/// <summary>
/// Text that a peer or a file supplied (an identification line, a certificate's key id, an option name), made fit for
/// one log line: at most <see cref="MaxLength"/> characters, control characters escaped as <c>\xNN</c>, so it can
/// neither forge log lines nor flood them.
/// </summary>
internal static class LogText
{
    /// <summary>How many characters of the text are shown.</summary>
    public const int MaxLength = 64;

    /// <summary>At most <see cref="MaxLength"/> characters of <paramref name="text"/>, control characters escaped.</summary>
    public static string Printable(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var shown = text.Length > MaxLength ? text[..MaxLength] + "…" : text;
        return shown.Any(char.IsControl) ? string.Concat(shown.Select(c => char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString())) : shown;
    }
}
