using System.Buffers;

namespace Agent.Reactive.Shell;

/// <summary>Quoting for POSIX shells (<c>sh -c</c>, which git uses to run <c>GIT_SSH_COMMAND</c>).</summary>
public static class ShellWords
{
    private static readonly SearchValues<char> Plain = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/._-+,:@%");

    /// <summary>
    /// <paramref name="value"/> as one shell word: unchanged when it holds only characters no shell treats specially,
    /// else in single quotes (a single quote inside as <c>'\''</c>).
    /// </summary>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length > 0 && value.AsSpan().IndexOfAnyExcept(Plain) < 0)
            return value;
        return "'" + value.Replace("'", @"'\''", StringComparison.Ordinal) + "'";
    }
}
