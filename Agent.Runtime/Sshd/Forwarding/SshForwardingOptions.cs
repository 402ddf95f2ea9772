using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Sshd.Forwarding;

/// <summary>Settings of port, Unix socket and agent forwarding (one instance serves every connection).</summary>
public sealed class SshForwardingOptions
{
    /// <summary>Default bound on remote listeners (<c>ssh -R</c>, TCP and Unix together) per connection.</summary>
    public const int DefaultMaxListenersPerConnection = 32;

    /// <summary>Default bound on connections relayed at once through one listener.</summary>
    public const int DefaultMaxConnectionsPerListener = 256;

    /// <summary>The user's home directory: relative Unix socket paths are resolved against it (as sshd does).</summary>
    public required Func<string> HomeDirectory { get; init; }

    public int MaxListenersPerConnection { get; init; } = DefaultMaxListenersPerConnection;

    public int MaxConnectionsPerListener { get; init; } = DefaultMaxConnectionsPerListener;

    /// <summary>How long a <c>direct-tcpip</c> or <c>direct-streamlocal</c> connect may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The first X11 display number tried (as sshd's <c>X11DisplayOffset</c>).</summary>
    public int X11DisplayOffset { get; init; } = 10;

    /// <summary>Where X11 display sockets are created (<c>$TMPDIR/.X11-unix</c>, made 0700 when missing).</summary>
    public string X11SocketDirectory { get; init; } = Path.Join(Path.GetTempPath(), ".X11-unix");

    public required ILogger Logger { get; init; }

    internal string ResolvePath(string path)
        => Path.IsPathRooted(path) ? path : Path.Join(HomeDirectory(), path);
}
