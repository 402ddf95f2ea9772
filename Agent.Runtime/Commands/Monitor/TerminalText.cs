using System.Text;

namespace Agent.Runtime.Commands.Monitor;

/// <summary>
/// Makes text from the workspace safe to print on a terminal. A C0 control character or DEL becomes its
/// Unicode control picture (ESC shows as <c>␛</c>, BEL as <c>␇</c>), a C1 control character becomes
/// <c>�</c>, and a tab becomes a space; only the line feed stays, which the dashboard lays out inside its
/// panels. So no escape sequence reaches the viewer's terminal: no OSC 52 clipboard write, no cleared screen,
/// no moved cursor, no faked prompt.
/// </summary>
public static class TerminalText
{
    private const char Replacement = '\uFFFD';
    private const char DeletePicture = '\u2421';
    private const char ControlPictures = '\u2400';

    /// <summary><paramref name="text"/> with every control character but the line feed replaced by a visible one.</summary>
    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return string.Empty;
        var first = 0;
        while (first < text.Length && !IsReplaced(text[first]))
            first++;
        if (first == text.Length)
            return text;

        var builder = new StringBuilder(text.Length);
        builder.Append(text, 0, first);
        for (var i = first; i < text.Length; i++)
            builder.Append(Visible(text[i]));
        return builder.ToString();
    }

    /// <summary>Whether <paramref name="character"/> is a control character that <see cref="Clean"/> replaces.</summary>
    public static bool IsReplaced(char character) => character != '\n' && (character < ' ' || character is >= '\u007f' and <= '\u009f');

    private static char Visible(char character) => character switch
    {
        '\n' => '\n',
        '\t' => ' ',
        < ' ' => (char)(ControlPictures + character),
        '\u007f' => DeletePicture,
        <= '\u009f' and > '\u007f' => Replacement,
        _ => character,
    };
}
