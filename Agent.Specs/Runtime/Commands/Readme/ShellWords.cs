using System.Text;

namespace Agent.Specs.Runtime.Commands.Readme;

/// <summary>Splits a shell command line into words as <c>sh</c> would for the plain cases README uses: blanks, '…' and "…" quotes.</summary>
public static class ShellWords
{
    public static IReadOnlyList<string> Split(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char? quote = null;
        foreach (var c in line)
        {
            if (quote is { } open)
            {
                if (c == open)
                    quote = null;
                else
                    word.Append(c);
            }
            else if (c is '\'' or '"')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                    words.Add(word.ToString());
                word.Clear();
                inWord = false;
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }

        if (quote is not null)
            throw new FormatException($"unbalanced quote in: {line}");
        if (inWord)
            words.Add(word.ToString());
        return words;
    }
}
