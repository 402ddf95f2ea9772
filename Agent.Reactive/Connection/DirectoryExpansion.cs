using Agent.Reactive.Shell;

namespace Agent.Reactive.Connection;

/// <summary>
/// Coder's <c>expandDirectory</c>: the manifest's working directory as the agent reports it back
/// (<c>expanded_directory</c>) and starts sessions in.
/// </summary>
public static class DirectoryExpansion
{
    /// <summary>
    /// <c>""</c> stays <c>""</c> (sessions then use the home directory); a leading <c>~</c> becomes
    /// <paramref name="home"/>; variables are expanded as Go's <c>os.ExpandEnv</c> does; a path that is
    /// still relative is taken relative to <paramref name="home"/>.
    /// </summary>
    public static string Expand(string directory, string home, Func<string, string?> getVariable)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(home);
        ArgumentNullException.ThrowIfNull(getVariable);
        if (directory.Length == 0)
            return directory;

        // Like Go, "~user" is not looked up: the "~" alone is replaced, whatever follows it.
        if (directory[0] == '~')
            directory = Path.Join(home, directory[1..]);

        directory = EnvironmentExpansion.Expand(directory, getVariable);
        return Path.IsPathFullyQualified(directory) ? directory : Path.Join(home, directory);
    }
}
