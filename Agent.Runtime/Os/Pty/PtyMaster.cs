using System.ComponentModel;
using System.Runtime.InteropServices;
using Agent.Runtime.Os.Interop;
using Microsoft.Win32.SafeHandles;

namespace Agent.Runtime.Os.Pty;

/// <summary>
/// The non-blocking master side of a pseudo-terminal. A read or write that would block waits for <c>POLLIN</c> or
/// <c>POLLOUT</c> on the <see cref="ReadinessPoller"/> thread: no timer, no thread of its own. Each call holds a
/// reference on the descriptor, so <see cref="Dispose"/> (which first ends every wait) never closes it under a call.
/// </summary>
internal sealed class PtyMaster : IDisposable
{
    private const int WouldBlock = -1;
    private const int EndOfOutput = -2;

    private readonly SafeFileHandle _handle;
    private readonly CancellationTokenSource _closing = new();

    public PtyMaster(SafeFileHandle handle, string terminalName)
    {
        _handle = handle;
        TerminalName = terminalName;
    }

    public string TerminalName { get; }

    public SafeFileHandle Handle => _handle;

    /// <summary>
    /// Reads what the terminal has, waiting until it has something; 0 once no slave descriptor is left open (the
    /// kernel reports EIO) or once disposed.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="IOException">An unexpected read error.</exception>
    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (!TryAddRef())
            return 0;
        try
        {
            while (true)
            {
                var read = TryRead(buffer.Span);
                if (read >= 0)
                    return read;
                if (read == EndOfOutput || !await WaitAsync(PtyInterop.POLLIN, cancellationToken).ConfigureAwait(false))
                    return 0;
            }
        }
        finally
        {
            _handle.DangerousRelease();
        }
    }

    /// <summary>Writes all of <paramref name="input"/>, waiting for room while the terminal's input queue is full.</summary>
    /// <exception cref="ObjectDisposedException">Disposed, also while waiting.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; part of the input may have been written.</exception>
    /// <exception cref="IOException">The terminal refused the input (it was hung up).</exception>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> input, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(!TryAddRef(), typeof(PtyProcess));
        try
        {
            while (!input.IsEmpty)
            {
                var written = TryWrite(input.Span);
                if (written > 0)
                {
                    input = input[written..];
                    continue;
                }

                var ready = await WaitAsync(PtyInterop.POLLOUT, cancellationToken).ConfigureAwait(false);
                ObjectDisposedException.ThrowIf(!ready, typeof(PtyProcess));
            }
        }
        finally
        {
            _handle.DangerousRelease();
        }
    }

    /// <summary>Ends every wait, then closes the descriptor once no call holds it.</summary>
    public void Dispose()
    {
        if (_closing.IsCancellationRequested)
            return;
        _closing.Cancel();
        _handle.Dispose();
    }

    private bool TryAddRef()
    {
        var added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
        }
        catch (ObjectDisposedException)
        {
            return false;
        }

        return added;
    }

    // False when disposed while waiting; throws when the caller's token was cancelled.
    private async ValueTask<bool> WaitAsync(short events, CancellationToken cancellationToken)
    {
        if (_closing.IsCancellationRequested)
            return false;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closing.Token);
        try
        {
            await ReadinessPoller.Shared.WhenReadyAsync((int)_handle.DangerousGetHandle(), events, linked.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    // The bytes read, WouldBlock, or EndOfOutput (EIO: no slave left; 0 never happens on a terminal).
    private unsafe int TryRead(Span<byte> buffer)
    {
        while (true)
        {
            nint read;
            fixed (byte* bytes = buffer)
                read = LibC.Read((int)_handle.DangerousGetHandle(), bytes, (nuint)buffer.Length);
            if (read > 0)
                return (int)read;
            if (read == 0)
                return EndOfOutput;
            var error = Marshal.GetLastPInvokeError();
            if (error == LibC.EINTR)
                continue;
            if (error == PtyInterop.EAGAIN)
                return WouldBlock;
            if (error == PtyInterop.EIO)
                return EndOfOutput;
            throw new IOException($"Reading {TerminalName} failed: {Marshal.GetPInvokeErrorMessage(error)}", new Win32Exception(error));
        }
    }

    // The bytes written, or 0 when the input queue is full.
    private unsafe int TryWrite(ReadOnlySpan<byte> input)
    {
        while (true)
        {
            nint written;
            fixed (byte* bytes = input)
                written = PtyInterop.Write((int)_handle.DangerousGetHandle(), bytes, (nuint)input.Length);
            if (written >= 0)
                return (int)written;
            var error = Marshal.GetLastPInvokeError();
            if (error == LibC.EINTR)
                continue;
            if (error == PtyInterop.EAGAIN)
                return 0;
            throw new IOException($"Writing to {TerminalName} failed: {Marshal.GetPInvokeErrorMessage(error)}", new Win32Exception(error));
        }
    }
}
