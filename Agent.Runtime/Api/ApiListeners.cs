using System.ComponentModel;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Agent.Runtime.Os.Interop;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace Agent.Runtime.Api;

/// <summary>
/// The API's listening sockets, bound and listening before Kestrel exists (as with systemd socket activation): the
/// Unix socket (mode 0600 before <c>listen</c>) and, if asked, one loopback TCP address. Connections wait in the
/// kernel's backlog until Kestrel accepts them on close-on-exec duplicates of these descriptors.
/// </summary>
internal sealed class ApiListeners : IDisposable
{
    /// <summary>Kestrel's default backlog.</summary>
    private const int Backlog = 512;

    private readonly Socket[] _sockets;

    private ApiListeners(Socket[] sockets, IReadOnlyList<IPEndPoint> tcpEndpoints)
    {
        _sockets = sockets;
        TcpEndpoints = tcpEndpoints;
    }

    /// <summary>The bound TCP endpoints (real ports).</summary>
    public IReadOnlyList<IPEndPoint> TcpEndpoints { get; }

    /// <summary>Binds and listens on <paramref name="unixSocketPath"/> (mode 0600) and <paramref name="tcpEndpoint"/>, if any.</summary>
    /// <exception cref="IOException">An address is in use or cannot be bound.</exception>
    public static ApiListeners Bind(string unixSocketPath, IPEndPoint? tcpEndpoint)
    {
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException("the agent API serves on a Unix socket with Unix file modes");
        var sockets = new List<Socket>();
        try
        {
            var unix = BindSocket(new UnixDomainSocketEndPoint(unixSocketPath), "unix:" + unixSocketPath);
            sockets.Add(unix);

            // Bound but not yet listening, a connect is refused: nobody can connect before the mode is private.
            File.SetUnixFileMode(unixSocketPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            unix.Listen(Backlog);
            if (tcpEndpoint is null)
                return new ApiListeners([.. sockets], []);
            var tcp = BindSocket(tcpEndpoint, tcpEndpoint.ToString());
            sockets.Add(tcp);
            tcp.Listen(Backlog);
            return new ApiListeners([.. sockets], [(IPEndPoint)tcp.LocalEndPoint!]);
        }
        catch
        {
            foreach (var socket in sockets)
                socket.Dispose();
            throw;
        }
    }

    /// <summary>Completes when a connection is pending on any listener; cancelled waits are unregistered first.</summary>
    public async Task WhenAnyPendingAsync(CancellationToken cancellationToken)
    {
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var waits = Array.ConvertAll(_sockets, socket => ReadinessPoller.Shared.WhenReadyAsync(Descriptor(socket), PtyInterop.POLLIN, waiting.Token));
        try
        {
            await await Task.WhenAny(waits).ConfigureAwait(false);
        }
        finally
        {
            await waiting.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(waits).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>
    /// A close-on-exec duplicate of each listener, for Kestrel to own and close: a plain <c>dup</c> would lose
    /// <c>FD_CLOEXEC</c> and leak the listening socket into every process the agent starts.
    /// </summary>
    /// <exception cref="Win32Exception">A descriptor could not be duplicated (none is left open then).</exception>
    public IReadOnlyList<ulong> Duplicate()
    {
        var duplicates = new List<ulong>(_sockets.Length);
        foreach (var socket in _sockets)
        {
            var duplicate = LibC.FileControl(Descriptor(socket), LibC.F_DUPFD_CLOEXEC, 0);
            if (duplicate >= 0)
            {
                duplicates.Add((ulong)duplicate);
                continue;
            }

            var error = Marshal.GetLastPInvokeError();
            foreach (var made in duplicates)
                _ = LibC.Close((int)made);
            throw new Win32Exception(error, "could not duplicate a listening socket");
        }

        return duplicates;
    }

    /// <summary>Closes this side's descriptors; the sockets stop listening once Kestrel has closed its duplicates too.</summary>
    public void Dispose()
    {
        foreach (var socket in _sockets)
            socket.Dispose();
    }

    private static int Descriptor(Socket socket) => (int)socket.SafeHandle.DangerousGetHandle();

    private static Socket BindSocket(EndPoint endpoint, string name)
    {
        try
        {
            return SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new IOException($"Failed to bind to address http://{name}: address already in use.", e);
        }
        catch (SocketException e)
        {
            throw new IOException($"Failed to bind to address http://{name}: {e.Message}", e);
        }
    }
}
