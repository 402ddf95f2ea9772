using System.Net;
using Agent.Reactive.Shell;
using Agent.Reactive.Statistics;
using Agent.Runtime.Ssh.Channels;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Sshd.Session;

/// <summary>
/// What a session's process starts with: its environment (the workspace's, the client's variables, the key's
/// <c>environment=</c>, extensions' variables, <c>SSH_ORIGINAL_COMMAND</c>, <c>TERM</c>), its working directory, the
/// message of the day, and the kind of session it is counted as.
/// </summary>
internal static class SessionLaunch
{
    public const int MaxMotdBytes = 64 * 1024;
    public const string OriginalCommandVariable = "SSH_ORIGINAL_COMMAND";

    /// <summary>The session's environment, later entries winning.</summary>
    public static List<KeyValuePair<string, string>> Environment(
        SshSessionEnvironmentSnapshot snapshot,
        SshChannel channel,
        IReadOnlyList<KeyValuePair<string, string>> clientEnvironment,
        IReadOnlyList<KeyValuePair<string, string>> extraEnvironment,
        (string Client, string Connection)? addresslessClient,
        bool forced,
        string? originalCommand,
        PtyRequest? pty)
    {
        var environment = new List<KeyValuePair<string, string>>(
            ShellEnvironment.Build(snapshot.Manifest, snapshot.Environment, snapshot.AgentToken, forced ? LocaleOnly(clientEnvironment) : clientEnvironment, ClientAddresses(channel) ?? addresslessClient));
        environment.AddRange(channel.Connection.Restrictions.Environment); // the key's environment=, over the client's (as sshd)
        environment.AddRange(extraEnvironment);
        if (originalCommand is not null)
            environment.Add(new KeyValuePair<string, string>(OriginalCommandVariable, originalCommand));
        if (pty is not null && pty.Term.Length > 0)
            environment.Add(new KeyValuePair<string, string>("TERM", pty.Term));
        return environment;
    }

    /// <summary>The manifest's directory (variables and <c>~</c> expanded) when it exists, else the home directory.</summary>
    public static string WorkingDirectory(SshSessionEnvironmentSnapshot snapshot)
    {
        var home = snapshot.Environment.HomeDirectory;
        var directory = snapshot.Manifest.Directory;
        if (directory.Length > 0)
        {
            directory = EnvironmentExpansion.Expand(directory, snapshot.Environment.GetVariable);
            if (directory == "~" || directory.StartsWith("~/", StringComparison.Ordinal))
                directory = Path.Join(home, directory[1..]);
            if (Directory.Exists(directory))
                return directory;
        }

        return home;
    }

    /// <summary>The kind the client's <c>CODER_SESSION_TYPE</c> names; a plain SSH session without it.</summary>
    public static SessionKind KindOf(IReadOnlyList<KeyValuePair<string, string>> clientEnvironment)
    {
        var value = clientEnvironment.LastOrDefault(p => p.Key == ShellEnvironment.SessionTypeVariable).Value;
        return value switch
        {
            "vscode" => SessionKind.VsCode,
            "jetbrains" => SessionKind.JetBrains,
            _ => SessionKind.Ssh,
        };
    }

    /// <summary>
    /// The message of the day (<paramref name="motdFile"/>, else the manifest's) with CRLF line ends for a terminal,
    /// at most <see cref="MaxMotdBytes"/>; null without one, when unreadable, or under <c>~/.hushlogin</c>.
    /// </summary>
    public static byte[]? ReadMotd(string? motdFile, SshSessionEnvironmentSnapshot snapshot, ILogger logger)
    {
        var path = motdFile ?? snapshot.Manifest.MotdFile;
        if (string.IsNullOrEmpty(path) || File.Exists(Path.Join(snapshot.Environment.HomeDirectory, ".hushlogin")))
            return null;
        try
        {
            using var file = File.OpenRead(path);
            var buffer = new byte[MaxMotdBytes];
            var length = file.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            return length == 0 ? null : ToCrLf(buffer[..length]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.NoMotd(path, e.Message);
            return null;
        }
    }

    // Under a forced command the client's variables could change what it runs (BASH_ENV, LD_PRELOAD, PATH): only the
    // locale passes, as Debian's sshd AcceptEnv LANG LC_*.
    private static List<KeyValuePair<string, string>> LocaleOnly(IReadOnlyList<KeyValuePair<string, string>> clientEnvironment)
        => [.. clientEnvironment.Where(p => p.Key == "LANG" || p.Key.StartsWith("LC_", StringComparison.Ordinal) || p.Key == ShellEnvironment.SessionTypeVariable)];

    // SSH_CLIENT and SSH_CONNECTION from the connection's addresses; null when it has none (a relayed stream).
    private static (string Client, string Connection)? ClientAddresses(SshChannel channel)
    {
        if (channel.Connection.RemoteEndPoint is not IPEndPoint remote || channel.Connection.LocalEndPoint is not IPEndPoint local)
            return null;
        return ($"{remote.Address} {remote.Port} {local.Port}", $"{remote.Address} {remote.Port} {local.Address} {local.Port}");
    }

    private static byte[] ToCrLf(byte[] text)
    {
        var result = new List<byte>(text.Length + 64);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == (byte)'\n' && (i == 0 || text[i - 1] != (byte)'\r'))
                result.Add((byte)'\r');
            result.Add(text[i]);
        }

        return [.. result];
    }
}
