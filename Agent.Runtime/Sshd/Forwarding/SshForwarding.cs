using Agent.Runtime.Ssh.Channels;
using Agent.Runtime.Sshd.Session;

namespace Agent.Runtime.Sshd.Forwarding;

/// <summary>
/// Port, Unix socket and agent forwarding for the SSH server, as handlers to register in
/// <see cref="Ssh.Connection.SshConnectionOptions"/> (channel types for <c>ssh -L</c>, global requests for <c>ssh -R</c>)
/// and in <see cref="SshSessionOptions"/> (session requests for <c>ssh -A</c>, <c>ssh -X</c>).
/// </summary>
public static class SshForwarding
{
    public const string DirectTcpip = "direct-tcpip";
    public const string DirectStreamLocal = "direct-streamlocal@openssh.com";
    public const string TcpipForward = "tcpip-forward";
    public const string CancelTcpipForward = "cancel-tcpip-forward";
    public const string StreamLocalForward = "streamlocal-forward@openssh.com";
    public const string CancelStreamLocalForward = "cancel-streamlocal-forward@openssh.com";
    public const string AuthAgentRequest = "auth-agent-req@openssh.com";
    public const string X11Request = "x11-req";

    /// <summary><c>direct-tcpip</c> and <c>direct-streamlocal@openssh.com</c>.</summary>
    public static IReadOnlyDictionary<string, SshChannelOpenHandler> ChannelTypes(SshForwardingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new Dictionary<string, SshChannelOpenHandler>(StringComparer.Ordinal)
        {
            [DirectTcpip] = (channel, data, ct) => DirectForwarding.OpenTcpAsync(options, channel, data, ct),
            [DirectStreamLocal] = (channel, data, ct) => DirectForwarding.OpenUnixAsync(options, channel, data, ct),
        };
    }

    /// <summary><c>tcpip-forward</c>, <c>streamlocal-forward@openssh.com</c> and their cancels.</summary>
    public static IReadOnlyDictionary<string, SshGlobalRequestHandler> GlobalRequests(SshForwardingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new Dictionary<string, SshGlobalRequestHandler>(StringComparer.Ordinal)
        {
            [TcpipForward] = (connection, data, _) => RemoteForwarding.ForwardTcp(options, connection, data),
            [CancelTcpipForward] = (connection, data, _) => RemoteForwarding.CancelTcp(options, connection, data),
            [StreamLocalForward] = (connection, data, _) => RemoteForwarding.ForwardUnix(options, connection, data),
            [CancelStreamLocalForward] = (connection, data, _) => RemoteForwarding.CancelUnix(options, connection, data),
        };
    }

    /// <summary><c>auth-agent-req@openssh.com</c> and <c>x11-req</c>.</summary>
    public static IReadOnlyDictionary<string, SshSessionRequestHandler> SessionRequests(SshForwardingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new Dictionary<string, SshSessionRequestHandler>(StringComparer.Ordinal)
        {
            [AuthAgentRequest] = (request, _) => AgentForwarding.RequestAsync(options, request),
            [X11Request] = (request, _) => X11Forwarding.RequestAsync(options, request),
        };
    }
}
