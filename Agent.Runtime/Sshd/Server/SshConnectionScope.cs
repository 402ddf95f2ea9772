using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Sshd.Server;

/// <summary>
/// A number for each SSH connection, unique in the process, carried by every log line written while the connection is
/// served (a logging scope with the property <see cref="Property"/>), whether it came from a listener, the relay or inetd.
/// </summary>
public static class SshConnectionScope
{
    /// <summary>The name of the scope's property.</summary>
    public const string Property = "SshConnection";

    private static long _last;

    /// <summary>Opens the scope of a new connection on <paramref name="logger"/>; dispose it when the connection ends.</summary>
    public static IDisposable? Begin(ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        return logger.BeginScope(new[] { new KeyValuePair<string, object>(Property, Interlocked.Increment(ref _last)) });
    }
}
