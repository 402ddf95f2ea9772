using System.Net;
using System.Net.Sockets;
using Agent.Runtime.Os.Interop;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace Agent.Runtime.Api;

/// <summary>
/// The API's listening sockets, bound and listening before Kestrel exists (as with systemd socket activation): the
/// Unix socket (mode 0600 before <c>listen</c>) and, if asked, one loopback TCP address. Connections wait in the
/// kernel's backlog until Kestrel, started on the first of them, accepts on these same descriptors.
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

    /// <summary>
    /// The listening descriptors, for Kestrel to accept on. Kestrel wraps a handle it is given without owning it
    /// (closing stays with these sockets, after Kestrel has stopped), and they are close-on-exec like every socket
    /// .NET makes, so no process the agent starts inherits them.
    /// </summary>
    public IReadOnlyList<ulong> Handles => Array.ConvertAll(_sockets, socket => (ulong)Descriptor(socket));

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

    /// <summary>Closes the listeners (after Kestrel has stopped: it accepts on these descriptors); removes the socket file.</summary>
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
