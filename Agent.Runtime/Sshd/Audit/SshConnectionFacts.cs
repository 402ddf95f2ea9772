using System.Net;
using Agent.Runtime.Ssh.Channels;

namespace Agent.Runtime.Sshd.Audit;

/// <summary>Who and where from, for the connection reports of one SSH connection.</summary>
public static class SshConnectionFacts
{
    /// <summary>What the reports say for a connection the control plane's relay authenticated.</summary>
    public const string Token = "token";

    /// <summary>The key's fingerprint, or <see cref="Token"/> when the relay vouched for the user.</summary>
    public static string Who(SshChannelMultiplexer connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return connection.KeyFingerprint ?? Token;
    }

    /// <summary>The peer's <c>ip:port</c>; empty for a pipe or the relay.</summary>
    public static string Address(EndPoint? remote) => remote switch
    {
        IPEndPoint ip => ip.ToString(),
        null => string.Empty,
        _ => remote.ToString() ?? string.Empty,
    };
}
