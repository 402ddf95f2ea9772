using System.Security.Cryptography;
using System.Text;
using Agent.Runtime.Os.Interop;
using Agent.Runtime.Relay.Dialer;

namespace Agent.Runtime.Commands.ConfigSsh;

/// <summary>
/// Where <c>agent config-ssh</c> keeps the user token for <c>agent proxy --token-file</c>: one 0600 file per control
/// plane URL in a 0700 directory, <c>$XDG_CONFIG_HOME/agent/</c> or <c>~/.config/agent/</c>.
/// </summary>
public static class TokenStore
{
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>The directory, from <c>XDG_CONFIG_HOME</c> or <c>HOME</c> as <paramref name="environment"/> gives them.</summary>
    public static string Directory(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var config = environment("XDG_CONFIG_HOME");
        if (string.IsNullOrEmpty(config) || !Path.IsPathRooted(config))
            config = Path.Join(Home(environment), ".config");
        return Path.Join(config, "agent");
    }

    /// <summary>The token file of <paramref name="controlPlane"/>: <c>token-HOST-PORT-HASH</c> (the hash tells paths apart).</summary>
    public static string PathFor(Uri controlPlane, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(controlPlane);
        var normalized = RelayDialer.Describe(controlPlane).TrimEnd('/');
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalized)))[..12];
        var host = new string([.. controlPlane.Host.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '_')]);
        return Path.Join(Directory(environment), $"token-{host}-{controlPlane.Port}-{hash}");
    }

    /// <summary>Writes <paramref name="token"/> (0600, directory 0700) and returns the file's path.</summary>
    public static async Task<string> SaveAsync(Uri controlPlane, string token, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        var path = PathFor(controlPlane, environment);
        var directory = Path.GetDirectoryName(path)!;
        AtomicFile.EnsureDirectory(directory, DirectoryMode);
        PrivateFile.SetDirectoryMode(directory, DirectoryMode);
        await AtomicFile.WriteAsync(path, Encoding.UTF8.GetBytes(token + "\n"), FileMode, cancellationToken, exactMode: true);
        return path;
    }

    /// <summary><c>HOME</c>, else the user profile folder.</summary>
    public static string Home(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var home = environment("HOME");
        return string.IsNullOrEmpty(home) ? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) : home;
    }
}
