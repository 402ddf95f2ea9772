namespace Agent.Runtime.Ssh.Auth;

/// <summary>sshd's patterns (ssh_config(5) "PATTERNS"): <c>*</c> is any run of characters, <c>?</c> one; compared ignoring case.</summary>
public static class WildcardPattern
{
    /// <summary>Whether <paramref name="text"/> matches <paramref name="pattern"/> as a whole.</summary>
    public static bool Matches(string text, string pattern)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(pattern);

        // Iterative with one backtrack point: linear in practice, never exponential.
        int t = 0, p = 0, star = -1, resume = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || char.ToLowerInvariant(pattern[p]) == char.ToLowerInvariant(text[t])))
            {
                t++;
                p++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
            p++;
        return p == pattern.Length;
    }

    /// <summary>Whether <paramref name="text"/> holds a pattern character.</summary>
    public static bool IsPattern(string text) => text.AsSpan().IndexOfAny('*', '?') >= 0;
}
