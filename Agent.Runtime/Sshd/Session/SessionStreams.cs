using Agent.Reactive.Effects;
using Agent.Runtime.Os.Processes;
using Agent.Runtime.Ssh.Channels;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Sshd.Session;

/// <summary>
/// Moves a session's bytes: the process's output to the channel (pipes, or a terminal pulled only when the channel
/// took the previous chunk, so a client that does not read leaves the output in the kernel's terminal buffer, which
/// stops the process: one chunk in flight, no thread held), and the client's data to the process.
/// </summary>
internal sealed class SessionStreams
{
    /// <summary>How long output may stay silent after the process exited before it is dropped (a background job holds it).</summary>
    public static readonly TimeSpan OutputGracePeriod = TimeSpan.FromSeconds(1);

    private const int BufferSize = 256 * 1024;
    private const int TerminalReadSize = 16 * 1024;

    private readonly SshChannel _channel;
    private readonly CancellationToken _ended;
    private readonly ILogger _logger;
    private long _outputMoved;
    private int _writesInFlight;

    public SessionStreams(SshChannel channel, ILogger logger, CancellationToken ended)
    {
        _channel = channel;
        _ended = ended;
        _logger = logger;
    }

    /// <summary>stdout as channel data, stderr as extended data, until both end or <paramref name="stop"/>.</summary>
    public Task PumpPipesAsync(IPipedProcess process, CancellationToken stop) => Task.WhenAll(
        PumpStreamAsync(process.StandardOutput, extended: false, stop),
        PumpStreamAsync(process.StandardError, extended: true, stop));

    /// <summary><paramref name="motd"/> first, then the terminal's output, read one chunk at a time as the channel takes it.</summary>
    public async Task PumpTerminalAsync(IPtyProcess terminal, byte[]? motd, CancellationToken stop)
    {
        var buffer = new byte[TerminalReadSize];
        try
        {
            if (motd is not null)
                await WriteAsync(motd, extended: false, stop);
            while (true)
            {
                var read = await terminal.ReadAsync(buffer, stop);
                if (read == 0)
                    return;
                await WriteAsync(buffer.AsMemory(0, read), extended: false, stop);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The session ended or the grace period is over.
        }
    }

    /// <summary>
    /// Client data to the process until the client's EOF (then <paramref name="complete"/>) or until writing fails (it
    /// exited). Each piece is written from the channel's own buffer (lent until the next read, which credits it to the client).
    /// </summary>
    public async Task PumpInputAsync(Func<ReadOnlyMemory<byte>, ValueTask> write, Action complete)
    {
        try
        {
            while (true)
            {
                var chunk = await _channel.ReadChunkAsync(_ended);
                if (chunk.IsEmpty)
                    break;
                await write(chunk);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The process stopped reading (exited) or the session ended.
        }
        finally
        {
            try
            {
                complete();
            }
            catch (IOException)
            {
                // Closing a pipe whose reader is gone.
            }
        }
    }

    /// <summary>
    /// After the process exited: waits for the end of its output while output keeps moving (or waits for the client's
    /// window); after <see cref="OutputGracePeriod"/> without either, a background child holds it: stop waiting.
    /// </summary>
    public async Task DrainAsync(Task output)
    {
        while (!output.IsCompleted)
        {
            var before = Interlocked.Read(ref _outputMoved);
            await Task.WhenAny(output, Task.Delay(OutputGracePeriod, _ended));
            _ended.ThrowIfCancellationRequested();
            if (Interlocked.Read(ref _outputMoved) == before && Volatile.Read(ref _writesInFlight) == 0)
            {
                _logger.OutputStillOpen(_channel.LocalId);
                return;
            }
        }
    }

    private async Task PumpStreamAsync(Stream source, bool extended, CancellationToken stop)
    {
        var buffer = new byte[BufferSize];
        try
        {
            while (true)
            {
                var read = await source.ReadAsync(buffer, stop);
                if (read == 0)
                    return;
                await WriteAsync(buffer.AsMemory(0, read), extended, stop);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The session ended or the grace period is over.
        }
    }

    private async Task WriteAsync(ReadOnlyMemory<byte> chunk, bool extended, CancellationToken stop)
    {
        Interlocked.Increment(ref _writesInFlight);
        try
        {
            if (extended)
                await _channel.WriteExtendedAsync(chunk, stop);
            else
                await _channel.WriteAsync(chunk, stop);
        }
        finally
        {
            Interlocked.Add(ref _outputMoved, chunk.Length);
            Interlocked.Decrement(ref _writesInFlight);
        }
    }
}
