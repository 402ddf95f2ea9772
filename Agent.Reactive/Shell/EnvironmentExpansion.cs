using System.Text;

namespace Agent.Reactive.Shell;

/// <summary>
/// Go's <c>os.ExpandEnv</c>: replaces <c>$NAME</c> and <c>${NAME}</c> with the variable's value, an unset
/// variable with the empty string. A <c>$</c> followed by no name at all is kept as it is.
/// </summary>
public static class EnvironmentExpansion
{
    public static string Expand(string value, Func<string, string?> getVariable)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(getVariable);
        if (!value.Contains('$', StringComparison.Ordinal))
            return value;

        var result = new StringBuilder(value.Length);
        var i = 0;
        while (i < value.Length)
        {
            if (value[i] != '$' || i + 1 == value.Length)
            {
                result.Append(value[i++]);
                continue;
            }

            if (value[i + 1] == '{')
            {
                var close = value.IndexOf('}', i + 2);
                if (close < 0)
                {
                    // Go drops a "${" with no closing brace; keep the text instead of guessing.
                    result.Append(value, i, value.Length - i);
                    break;
                }

                result.Append(getVariable(value[(i + 2)..close]) ?? string.Empty);
                i = close + 1;
                continue;
            }

            if (IsSpecialName(value[i + 1]))
            {
                result.Append(getVariable(value[i + 1].ToString()) ?? string.Empty);
                i += 2;
                continue;
            }

            var end = i + 1;
            while (end < value.Length && IsNameChar(value[end], end == i + 1))
                end++;
            if (end == i + 1)
            {
                result.Append('$');
                i++;
                continue;
            }

            result.Append(getVariable(value[(i + 1)..end]) ?? string.Empty);
            i = end;
        }

        return result.ToString();
    }

    // Like Go, one digit or shell special character after '$' is a whole name ($1, $?, $$).
    private static bool IsSpecialName(char c) => char.IsAsciiDigit(c) || "*#$@!?-".Contains(c, StringComparison.Ordinal);

    private static bool IsNameChar(char c, bool first)
        => c == '_' || char.IsAsciiLetter(c) || (!first && char.IsAsciiDigit(c));
}
