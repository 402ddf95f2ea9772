using System.Text.RegularExpressions;

namespace Agent.Specs.Runtime.Commands.Readme;

/// <summary>
/// Expands a command line as README's command table writes it into the concrete argument lists it stands for:
/// <c>[…]</c> is optional, <c>(a | b)</c> (a bar between blanks) picks one sequence, <c>down|up</c> (a bar inside a word)
/// picks one word, a lone <c>...</c> stands for options the example leaves out (or, after <c>--address</c>, its value), and placeholders (<c>URL</c>, <c>FILE</c>,
/// <c>TOKEN</c>, <c>HOST:PORT</c>, …) become sample values. A placeholder it does not know is an error, so a new one in
/// README gets a sample here instead of being passed through as text.
/// </summary>
public static partial class CommandLineTemplate
{
    /// <summary>What each placeholder of README's command lines stands for in the expanded examples.</summary>
    public static readonly IReadOnlyDictionary<string, string> Samples = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["URL"] = "http://127.0.0.1:7080",
        ["TOKEN"] = "sample-token",
        ["USER_TOKEN"] = "sample-user-token",
        ["T"] = "sample-token",
        ["F"] = "/tmp/token",
        ["FILE"] = "/tmp/file",
        ["DIR"] = "/tmp/dir",
        ["NAME"] = "main",
        ["DURATION"] = "8h",
        ["HOST"] = "127.0.0.1",
        ["PORT"] = "2222",
        ["BIND"] = "127.0.0.1",
        ["LOCAL"] = "8080",
        ["REMOTE"] = "80",
        ["ARGS"] = "git@example.com",
    };

    /// <summary>Values for options README shows with <c>...</c> as their value.</summary>
    private static readonly IReadOnlyDictionary<string, string> ElidedValues = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--address"] = "127.0.0.1:0",
    };

    /// <summary>Every argument list <paramref name="template"/> stands for (the words after <c>agent</c>).</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Expand(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var position = 0;
        var sequences = ExpandSequence(template.Replace("\\|", "|", StringComparison.Ordinal), ref position, closing: null);
        if (position != template.Replace("\\|", "|", StringComparison.Ordinal).Length)
            throw new FormatException($"unbalanced brackets in: {template}");
        var results = new List<IReadOnlyList<string>>();
        foreach (var sequence in sequences)
        {
            foreach (var words in ExpandWords(ShellWords.Split(sequence)))
                results.Add(Concrete(words, template));
        }

        return results.Distinct(new SequenceComparer()).ToList();
    }

    /// <summary>Reads text up to <paramref name="closing"/> (or the end), returning every string it stands for.</summary>
    private static List<string> ExpandSequence(string text, ref int position, char? closing)
    {
        List<List<string>> alternatives = [[string.Empty]];
        while (position < text.Length)
        {
            var c = text[position];
            if (c == closing)
            {
                position++;
                return alternatives.SelectMany(a => a).ToList();
            }

            if (c is ')' or ']')
                throw new FormatException($"unexpected '{c}' at {position} in: {text}");
            if (c is '(' or '[')
            {
                position++;
                var inner = ExpandSequence(text, ref position, c == '(' ? ')' : ']');
                if (c == '[')
                    inner.Add(string.Empty);
                alternatives[^1] = [.. alternatives[^1].SelectMany(prefix => inner.Select(choice => prefix + choice))];
            }
            else if (c == '|' && closing is ')' or ']' && position > 0 && text[position - 1] == ' ')
            {
                // " | " between blanks inside a group (required or optional): the next alternative sequence.
                position++;
                alternatives.Add([string.Empty]);
            }
            else
            {
                position++;
                alternatives[^1] = [.. alternatives[^1].Select(prefix => prefix + c)];
            }
        }

        if (closing is not null)
            throw new FormatException($"missing '{closing}' in: {text}");
        return alternatives.SelectMany(a => a).ToList();
    }

    /// <summary>Words holding a bar (<c>down|up</c>) expand to one list per choice.</summary>
    private static IEnumerable<List<string>> ExpandWords(IReadOnlyList<string> words)
    {
        IEnumerable<List<string>> lists = [[]];
        foreach (var word in words)
        {
            var choices = word.Contains('|', StringComparison.Ordinal) ? word.Split('|') : [word];
            lists = lists.SelectMany(list => choices.Select(choice => (List<string>)[.. list, choice])).ToList();
        }

        return lists;
    }

    private static List<string> Concrete(List<string> words, string template)
    {
        var result = new List<string>();
        foreach (var word in words)
        {
            if (word == "...")
            {
                // After an option that takes a value it is that value; anywhere else the options the example leaves out.
                if (result.Count > 0 && ElidedValues.TryGetValue(result[^1], out var value))
                    result.Add(value);
                continue;
            }

            if (word.StartsWith('-'))
            {
                result.Add(word);
                continue;
            }

            result.Add(Placeholder().Replace(word, match => Samples.TryGetValue(match.Value, out var sample)
                ? sample
                : throw new FormatException($"no sample value for the placeholder {match.Value} in: {template}")));
        }

        return result;
    }

    /// <summary>An upper-case word part (<c>URL</c>, <c>USER_TOKEN</c>, <c>T</c>) not inside a lower-case or mixed word.</summary>
    [GeneratedRegex("(?<![A-Za-z0-9_$])[A-Z][A-Z_]*(?![A-Za-z0-9_])")]
    private static partial Regex Placeholder();

    private sealed class SequenceComparer : IEqualityComparer<IReadOnlyList<string>>
    {
        public bool Equals(IReadOnlyList<string>? x, IReadOnlyList<string>? y) => x is not null && y is not null && x.SequenceEqual(y);

        public int GetHashCode(IReadOnlyList<string> obj) => string.Join('\u001f', obj).GetHashCode(StringComparison.Ordinal);
    }
}
