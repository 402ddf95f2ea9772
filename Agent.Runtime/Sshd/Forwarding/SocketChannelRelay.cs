using System.Diagnostics.CodeAnalysis;
using System.Net.Sockets;
using Agent.Runtime.Ssh.Channels;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Sshd.Forwarding;

/// <summary>
/// Copies bytes both ways between a forwarding channel and a socket (TCP or Unix), with half-close: the
/// socket's end of stream becomes the channel's EOF, the channel's EOF shuts the socket down for sending.
/// One fixed buffer per direction; the channel's own window bounds what is queued from the client. The
/// channel is closed when both directions ended, or at once on an error; the socket is disposed with it.
/// </summary>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "The relay disposes its token and socket itself when both directions ended.")]
internal sealed class SocketChannelRelay : ISshChannelHandler
{
    /// <summary>The buffer of each direction.</summary>
    public const int BufferSize = 32 * 1024;

    private readonly SshChannel _channel;
    private readonly Socket _socket;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private int _started;

    public SocketChannelRelay(SshChannel channel, Socket socket, ILogger logger)
    {
        _channel = channel;
        _socket = socket;
        _logger = logger;
    }

    /// <summary>Completes when both directions ended and the channel and socket are closed.</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    public ValueTask<bool> OnRequestAsync(SshChannelRequest request, CancellationToken cancellationToken)
        => ValueTask.FromResult(false);

    public void OnClosed() => Stop();

    /// <summary>Starts copying; only once the channel is confirmed (nothing may be sent before).</summary>
    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
            return;
        Completion = RunAsync();
    }

    private static bool IsEndOfConnection(Exception e)
        => e is OperationCanceledException or IOException or SocketException or ObjectDisposedException;

    private async Task RunAsync()
    {
        // Leave the caller's thread (it may be the connection's reading loop) before touching the socket.
        await Task.Yield();
        var token = _stop.Token;
        var up = CopyWithStopAsync(SocketToChannelAsync(token));
        var down = CopyWithStopAsync(ChannelToSocketAsync(token));
        await Task.WhenAll(up, down);
        try
        {
            await _channel.CloseAsync(_channel.Connection.Closed);
        }
        catch (Exception e) when (IsEndOfConnection(e))
        {
            _logger.RelayClosing(_channel.LocalId, e.Message);
        }
        finally
        {
            _socket.Dispose();
            _stop.Dispose();
        }
    }

    // An error in one direction ends the other one too (the channel is closed, not half-closed).
    private async Task CopyWithStopAsync(Task copy)
    {
        try
        {
            await copy;
        }
        catch (Exception e) when (IsEndOfConnection(e))
        {
            if (!_stop.IsCancellationRequested)
                _logger.RelayEnded(_channel.LocalId, e.Message);
            Stop();
        }
    }

    private async Task SocketToChannelAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[BufferSize];
        while (true)
        {
            var count = await _socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            if (count == 0)
            {
                await _channel.SendEofAsync(cancellationToken);
                return;
            }

            await _channel.WriteAsync(buffer.AsMemory(0, count), cancellationToken);
        }
    }

    private async Task ChannelToSocketAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[BufferSize];
        while (true)
        {
            var count = await _channel.ReadAsync(buffer, cancellationToken);
            if (count == 0)
            {
                _socket.Shutdown(SocketShutdown.Send);
                return;
            }

            var sent = 0;
            while (sent < count)
                sent += await _socket.SendAsync(buffer.AsMemory(sent, count - sent), SocketFlags.None, cancellationToken);
        }
    }

    private void Stop()
    {
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already over: the relay disposed its token after closing.
        }
    }
}
