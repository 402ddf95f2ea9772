using Agent.Runtime.Ssh.Auth;
using Agent.Runtime.Ssh.Wire;
using Agent.Runtime.Sshd.Session;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Sshd.Forwarding;

/// <summary>
/// Agent forwarding (<c>ssh -A</c>, OpenSSH PROTOCOL.agent): <c>auth-agent-req@openssh.com</c> on a session
/// creates a Unix socket (0600) in a fresh private directory (0700, checked with <c>lstat</c> after it is made: see
/// <see cref="SocketDirectory"/>), gives the session <c>SSH_AUTH_SOCK</c>, and
/// relays every connection to it over an <c>auth-agent@openssh.com</c> channel opened towards the client. The
/// socket and its directory are removed when the session channel closes. Once per session.
/// </summary>
internal static class AgentForwarding
{
    public const string Variable = "SSH_AUTH_SOCK";

    public static ValueTask<bool> RequestAsync(SshForwardingOptions options, SshSessionRequest request)
    {
        new SshReader(request.Request.Data.Span).EnsureEnd("auth-agent-req@openssh.com");
        var channel = request.Channel;
        if (!channel.Connection.Restrictions.AgentForwarding)
        {
            options.Logger.RefusedByRestrictions(channel.Connection.Id, channel.Connection.RemoteEndPoint, "auth-agent-req@openssh.com", "no-agent-forwarding");
            return ValueTask.FromResult(false);
        }

        var key = $"Agent.Ssh.Forwarding.AuthAgent.{channel.LocalId}";
        if (channel.Closed.IsCancellationRequested || !channel.Connection.Items.TryAdd(key, channel))
        {
            options.Logger.AgentForwardingRepeated();
            return ValueTask.FromResult(false);
        }

        DirectoryInfo directory;
        ForwardListener listener;
        string path;
        try
        {
            // CreateTempSubdirectory makes a new directory (mkdtemp, 0700); it is checked all the same.
            directory = Directory.CreateTempSubdirectory("agent-ssh-");
            if (!SocketDirectory.TryEnsure(directory.FullName, SocketDirectoryKind.Private, out _, out var unsafeReason))
            {
                channel.Connection.Items.TryRemove(key, out _);
                options.Logger.AgentForwardingRefused(channel.Connection.Id, channel.LocalId, unsafeReason);
                return ValueTask.FromResult(false);
            }

            path = Path.Join(directory.FullName, $"agent.{Environment.ProcessId}");
            listener = ForwardListener.ListenUnix(
                path,
                channel.Connection,
                "auth-agent@openssh.com",
                _ => ReadOnlyMemory<byte>.Empty,
                options.MaxConnectionsPerListener,
                options.Logger);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Net.Sockets.SocketException)
        {
            channel.Connection.Items.TryRemove(key, out _);
            options.Logger.AgentForwardingFailed(e.Message);
            return ValueTask.FromResult(false);
        }

        listener.Start();
        channel.Closed.Register(() =>
        {
            listener.Dispose();
            try
            {
                directory.Delete(recursive: true);
            }
            catch (IOException e)
            {
                options.Logger.DirectoryNotRemoved(directory.FullName, e.Message);
            }

            channel.Connection.Items.TryRemove(new KeyValuePair<string, object>(key, channel));
        });
        request.SetEnvironment(Variable, path);
        options.Logger.AgentForwardingStarted(channel.LocalId, path);
        return ValueTask.FromResult(true);
    }
}
