using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Agent.Specs.Integration.Ssh;

/// <summary>
/// What inetd (or systemd's <c>Accept=yes</c>) does, for clients that cannot run a proxy command: listens on a loopback
/// port, and for each connection starts <paramref name="command"/> (<c>agent ssh-server --inetd ...</c>) with the
/// connection on its stdin and stdout. Disposing stops listening and waits for every started process to exit (killing
/// one that outlives the bound), so no process is left behind.
/// </summary>
public sealed class InetdSocketBridge : IAsyncDisposable
{
    private static readonly TimeSpan ExitBound = TimeSpan.FromSeconds(10);

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<ProcessStartInfo> _command;
    private readonly List<(Process Process, Task Pumps)> _served = [];
    private readonly Task _accepting;

    public InetdSocketBridge(Func<ProcessStartInfo> command)
    {
        _command = command;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        await _accepting;
        List<(Process Process, Task Pumps)> served;
        lock (_served)
            served = [.. _served];
        foreach (var (process, pumps) in served)
        {
            using var deadline = new CancellationTokenSource(ExitBound);
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            await pumps;
            process.Dispose();
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }

            var info = _command();
            info.RedirectStandardInput = true;
            info.RedirectStandardOutput = true;
            info.RedirectStandardError = true;
            info.UseShellExecute = false;
            var process = Process.Start(info)!;
            process.ErrorDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            lock (_served)
                _served.Add((process, PumpAsync(socket, process)));
        }
    }

    private static async Task PumpAsync(Socket socket, Process process)
    {
        using (socket)
        {
            var network = new NetworkStream(socket, ownsSocket: false);
            var toProcess = CopyThenCloseAsync(network, process.StandardInput.BaseStream, () => process.StandardInput.Close());
            var fromProcess = CopyThenCloseAsync(process.StandardOutput.BaseStream, network, () => socket.Shutdown(SocketShutdown.Send));
            await Task.WhenAll(toProcess, fromProcess);
        }
    }

    private static async Task CopyThenCloseAsync(Stream from, Stream to, Action close)
    {
        try
        {
            await from.CopyToAsync(to);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // One side went away; closing the other below ends the connection.
        }

        try
        {
            close();
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // Already closed.
        }
    }
}
