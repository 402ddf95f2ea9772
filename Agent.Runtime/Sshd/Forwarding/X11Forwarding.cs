using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Agent.Runtime.Ssh.Auth;
using Agent.Runtime.Ssh.Wire;
using Agent.Runtime.Sshd.Session;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Sshd.Forwarding;

/// <summary>
/// X11 forwarding (RFC 4254 section 6.3, <c>ssh -X</c> / <c>-Y</c>): <c>x11-req</c> on a session picks the first
/// free display from <see cref="SshForwardingOptions.X11DisplayOffset"/>, listens on <c>X&lt;display&gt;</c> (mode 0600) in
/// <see cref="SshForwardingOptions.X11SocketDirectory"/> (created 0700; an existing one that another user could
/// write to, or a symbolic link, refuses the forward: see <see cref="SocketDirectory"/>), stores the client's cookie in
/// <c>~/.Xauthority</c> (FamilyLocal, this host's name), sets <c>DISPLAY=:&lt;display&gt;.&lt;screen&gt;</c> and
/// opens an <c>x11</c> channel towards the client for each connection (only the first with <c>single connection</c>).
/// The socket is removed when the session channel closes. Once per session.
/// </summary>
internal static class X11Forwarding
{
    public const string Variable = "DISPLAY";

    /// <summary>Displays tried from the offset on before giving up.</summary>
    public const int MaxDisplays = 1000;

    public static ValueTask<bool> RequestAsync(SshForwardingOptions options, SshSessionRequest request)
    {
        bool singleConnection;
        string protocol;
        string cookie;
        uint screen;
        {
            var reader = new SshReader(request.Request.Data.Span);
            singleConnection = reader.ReadBoolean();
            protocol = reader.ReadString();
            cookie = reader.ReadString();
            screen = reader.ReadUInt32();
            reader.EnsureEnd("x11-req");
        }

        if (!request.Channel.Connection.Restrictions.X11Forwarding)
        {
            options.Logger.RefusedByRestrictions(request.Channel.Connection.Id, request.Channel.Connection.RemoteEndPoint, "x11-req", "no-X11-forwarding");
            return ValueTask.FromResult(false);
        }

        byte[] cookieBytes;
        try
        {
            cookieBytes = Convert.FromHexString(cookie);
        }
        catch (FormatException)
        {
            options.Logger.X11BadCookie();
            return ValueTask.FromResult(false);
        }

        var channel = request.Channel;
        var key = $"Agent.Ssh.Forwarding.X11.{channel.LocalId}";
        if (channel.Closed.IsCancellationRequested || !channel.Connection.Items.TryAdd(key, channel))
        {
            options.Logger.X11Repeated();
            return ValueTask.FromResult(false);
        }

        if (!SocketDirectory.TryEnsure(options.X11SocketDirectory, SocketDirectoryKind.X11, out var directory, out var unsafeReason))
        {
            channel.Connection.Items.TryRemove(key, out _);
            options.Logger.X11Refused(channel.Connection.Id, channel.LocalId, unsafeReason);
            return ValueTask.FromResult(false);
        }

        ForwardListener? listener = null;
        int display = 0;
        try
        {
            for (var candidate = options.X11DisplayOffset; candidate < options.X11DisplayOffset + MaxDisplays && listener is null; candidate++)
            {
                var path = Path.Join(directory, "X" + candidate.ToString(CultureInfo.InvariantCulture));
                if (File.Exists(path))
                    continue;
                try
                {
                    listener = ForwardListener.ListenUnix(
                        path,
                        channel.Connection,
                        "x11",
                        _ => new SshWriter(path.Length + 16).WriteString(path).WriteUInt32(0).ToArray(),
                        options.MaxConnectionsPerListener,
                        options.Logger,
                        singleConnection);
                    display = candidate;
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
                {
                    // Taken between the check and the bind: try the next one.
                }
            }

            if (listener is null)
                throw new IOException($"no free X11 display from {options.X11DisplayOffset} to {options.X11DisplayOffset + MaxDisplays - 1}");
            var entry = new XauthorityEntry(
                XauthorityEntry.FamilyLocal,
                Encoding.UTF8.GetBytes(Dns.GetHostName()),
                display.ToString(CultureInfo.InvariantCulture),
                protocol,
                cookieBytes);
            XauthorityFile.Put(Path.Join(options.HomeDirectory(), ".Xauthority"), entry);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SocketException)
        {
            listener?.Dispose();
            channel.Connection.Items.TryRemove(key, out _);
            options.Logger.X11Failed(e.Message);
            return ValueTask.FromResult(false);
        }

        listener.Start();
        channel.Closed.Register(() =>
        {
            listener.Dispose();
            channel.Connection.Items.TryRemove(new KeyValuePair<string, object>(key, channel));
        });
        var value = string.Create(CultureInfo.InvariantCulture, $":{display}.{screen}");
        request.SetEnvironment(Variable, value);
        options.Logger.X11Started(channel.LocalId, value);
        return ValueTask.FromResult(true);
    }
}
