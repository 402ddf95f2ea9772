using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Agent.Reactive.Audit;
using Agent.Reactive.Scripts;
using Agent.Reactive.Terminal;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Terminal;

/// <summary>
/// Serves Coder's reconnecting-PTY protocol on any duplex stream (TCP, WebSocket, in-memory pipe): a 2-byte
/// little-endian length and the init JSON, then concatenated JSON requests from the client and raw output bytes
/// to it. The terminals themselves are <see cref="TerminalSessions"/>.
/// </summary>
public sealed class TerminalServer
{
    private const int ReadChunkBytes = 16 << 10;

    private readonly TerminalSessions _sessions;
    private readonly TerminalServerOptions _options;
    private readonly ILogger _logger;
    private readonly LoginGate? _loginGate;
    private readonly IConnectionAudit? _audit;

    /// <summary>A server of <paramref name="sessions"/> within <paramref name="options"/>, logging to <paramref name="logger"/>.</summary>
    /// <param name="sessions">The terminals.</param>
    /// <param name="options">The protocol's bounds.</param>
    /// <param name="logger">Where refusals and ends are logged.</param>
    /// <param name="audit">Where each attachment is reported (open, and close with the exit status or "detached"); none when <c>null</c>.</param>
    /// <param name="loginGate">While it is closed (<c>start_blocks_login</c> scripts run) a new terminal waits; none when <c>null</c>.</param>
    public TerminalServer(TerminalSessions sessions, TerminalServerOptions options, ILogger logger, IConnectionAudit? audit = null, LoginGate? loginGate = null)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        _sessions = sessions;
        _options = options;
        _logger = logger;
        _audit = audit;
        _loginGate = loginGate;
    }

    /// <summary>The init frame for <paramref name="init"/>: length prefix and JSON.</summary>
    /// <exception cref="ArgumentException">The JSON is longer than 65535 bytes.</exception>
    public static byte[] EncodeInit(TerminalInit init)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(init, TerminalJsonContext.Default.TerminalInit);
        if (json.Length > ushort.MaxValue)
            throw new ArgumentException($"the init frame is {json.Length} bytes; at most {ushort.MaxValue} fit", nameof(init));
        var frame = new byte[2 + json.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(frame, (ushort)json.Length);
        json.CopyTo(frame, 2);
        return frame;
    }

    /// <summary>
    /// Serves one connection until the client leaves, the terminal's process ends (after its final output), the
    /// client falls too far behind, or <paramref name="cancellationToken"/> fires. Disposes
    /// <paramref name="connection"/>; never throws for what the peer does (reasons are logged).
    /// </summary>
    public async Task ServeAsync(Stream connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using (connection.ConfigureAwait(false))
        {
            var init = await ReadInitAsync(connection, cancellationToken).ConfigureAwait(false);
            if (init is null)
                return;

            TerminalConnection client;
            try
            {
                await TerminalLoginWait.WaitAsync(_loginGate, connection, cancellationToken).ConfigureAwait(false);
                client = _sessions.Attach(new TerminalAttachRequest(init.Id, init.Command, init.Width, init.Height));
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
                return; // the client left (or the agent stops) while the terminal waited for the startup scripts
            }
            catch (Exception e) when (e is TerminalCapacityException or ObjectDisposedException)
            {
                _logger.TerminalRefused(init.Id, e.Message);
                return;
            }
#pragma warning disable CA1031 // Whatever the launcher throws ends this connection only, with the reason logged.
            catch (Exception e)
#pragma warning restore CA1031
            {
                _logger.TerminalStartFailed(e, init.Id, init.Command.Length == 0 ? "the login shell" : init.Command);
                return;
            }

            var audited = TerminalAudit.Open(_audit, init);
            var processEnded = false;
            using (client)
            {
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var output = PumpOutputAsync(client, connection, stop.Token);
                var input = PumpInputAsync(client, connection, init.Id, stop.Token);
                var first = await Task.WhenAny(output, input).ConfigureAwait(false);
                if (first == output)
                {
                    processEnded = !client.Overflowed;

                    // Tell the client first (the close follows the final output), then stop reading from it.
                    if (client.Overflowed)
                        _logger.TerminalClientTooSlow(init.Id);
                    await CloseQuietlyAsync(connection).ConfigureAwait(false);

                    // Give the peer a moment to acknowledge the close (a WebSocket answers with its own close frame):
                    // cutting the connection at once could reset it before the final output was read.
                    await Task.WhenAny(input, Task.Delay(_options.CloseGrace, cancellationToken)).ConfigureAwait(false);
                }

                await stop.CancelAsync().ConfigureAwait(false);
                await Quietly(output).ConfigureAwait(false);
                await Quietly(input).ConfigureAwait(false);
                await TerminalAudit.CloseAsync(audited, client, processEnded, _options.CloseGrace).ConfigureAwait(false);
            }
        }
    }

    private static async Task CloseQuietlyAsync(Stream connection)
    {
        try
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or System.Net.WebSockets.WebSocketException)
        {
            // The peer is gone already.
        }
    }

    private static async Task Quietly(Task pump)
    {
        try
        {
            await pump.ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or System.Net.WebSockets.WebSocketException)
        {
            // The connection ended; the pump's end is expected.
        }
    }

    private async Task<TerminalInit?> ReadInitAsync(Stream connection, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.InitTimeout);
        try
        {
            var prefix = new byte[2];
            await connection.ReadExactlyAsync(prefix, timeout.Token).ConfigureAwait(false);
            var length = BinaryPrimitives.ReadUInt16LittleEndian(prefix);
            if (length == 0 || length > _options.MaxInitBytes)
            {
                _logger.InitFrameSizeRefused(length, _options.MaxInitBytes);
                return null;
            }

            var json = new byte[length];
            await connection.ReadExactlyAsync(json, timeout.Token).ConfigureAwait(false);
            var init = JsonSerializer.Deserialize(json, TerminalJsonContext.Default.TerminalInit);
            if (init is null || string.IsNullOrEmpty(init.Id))
            {
                _logger.InitFrameWithoutId();
                return null;
            }

            return init;
        }
        catch (JsonException e)
        {
            _logger.InitFrameMalformed(e.Message);
        }
        catch (EndOfStreamException)
        {
            _logger.InitFrameCut();
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            _logger.InitFrameTimedOut(_options.InitTimeout);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or System.Net.WebSockets.WebSocketException)
        {
            _logger.EndedBeforeInitFrame(e.Message);
        }

        return null;
    }

    private async Task PumpOutputAsync(TerminalConnection client, Stream connection, CancellationToken cancellationToken)
    {
        var batch = ArrayPool<byte>.Shared.Rent(_options.WriteBatchBytes);
        try
        {
            while (await client.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var used = 0;
                while (client.TryRead(out var chunk))
                {
                    if (chunk.Length > batch.Length - used)
                    {
                        if (used > 0)
                            await connection.WriteAsync(batch.AsMemory(0, used), cancellationToken).ConfigureAwait(false);
                        used = 0;
                    }

                    if (chunk.Length >= batch.Length)
                    {
                        await connection.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    chunk.CopyTo(batch.AsMemory(used));
                    used += chunk.Length;
                }

                if (used > 0)
                    await connection.WriteAsync(batch.AsMemory(0, used), cancellationToken).ConfigureAwait(false);
                await connection.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(batch);
        }
    }

    private async Task PumpInputAsync(TerminalConnection client, Stream connection, string id, CancellationToken cancellationToken)
    {
        var parser = new RequestStreamParser(_options.MaxRequestBytes);
        try
        {
            while (true)
            {
                var read = await connection.ReadAsync(parser.GetMemory(ReadChunkBytes), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                    return;
                parser.Advance(read);
                while (parser.TryRead(out var request))
                {
                    if (!string.IsNullOrEmpty(request.Data))
                        await client.WriteInputAsync(Encoding.UTF8.GetBytes(request.Data), cancellationToken).ConfigureAwait(false);
                    if (request.Width != 0 && request.Height != 0)
                        client.Resize(request.Width, request.Height);
                }
            }
        }
        catch (JsonException e)
        {
            _logger.BadRequest(id, e.Message);
        }
        catch (InvalidDataException e)
        {
            _logger.ConnectionClosing(id, e.Message);
        }
    }
}
