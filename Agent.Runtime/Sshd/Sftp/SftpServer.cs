using System.Buffers.Binary;
using Agent.Runtime.Ssh.Wire;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Sshd.Sftp;

/// <summary>
/// An SFTP version 3 server (draft-ietf-secsh-filexfer-02 with OpenSSH's extensions) over a pair of streams: the
/// data of an SSH <c>sftp</c> subsystem channel, or stdin/stdout as OpenSSH's sftp-server. Requests are handled in
/// order as they arrive; replies collect in one buffer that is written out when the input has nothing more buffered
/// (or the buffer grows large), so a pipelining client is never held up by a flush per request.
/// </summary>
public static class SftpServer
{
    /// <summary>Exit status when the client broke the protocol (oversized or truncated packet, request before INIT).</summary>
    public const int ProtocolErrorExitStatus = 1;

    /// <summary>Replies are written out once this many bytes are waiting, even while requests keep coming.</summary>
    private const int WriteThreshold = 256 * 1024;

    /// <summary>Serves one session until the input ends. Returns 0 on a clean end of input.</summary>
    public static async Task<int> ServeAsync(
        Stream input, Stream output, SftpServerOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        if (options.MaxPacketLength < 34000 || options.MaxReadLength < 1 || options.MaxOpenHandles < 1)
            throw new ArgumentException("the SFTP limits are too small (packets of at least 34000 bytes, reads and handles at least 1)", nameof(options));

        var home = Home(options.HomeDirectory);
        using var session = new SftpSession(options, home, logger);
        using var recorder = options.FileOperations is { } operations ? new SftpOperationRecorder(operations, TimeProvider.System) : null;
        var buffer = new byte[options.MaxPacketLength + 4 + (64 * 1024)];
        var replies = new SftpPacketWriter(Math.Max(64 * 1024, options.MaxReadLength + 1024));
        int start = 0, end = 0;
        while (true)
        {
            while (end - start >= 4)
            {
                var length = BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(start));
                if (length == 0 || length > (uint)options.MaxPacketLength)
                {
                    logger.PacketTooLong(length, options.MaxPacketLength);
                    await SendAsync(output, replies, cancellationToken).ConfigureAwait(false);
                    return ProtocolErrorExitStatus;
                }

                if (end - start - 4 < length)
                    break;
                try
                {
                    var replied = replies.Length;
                    session.Handle(buffer.AsSpan(start + 4, (int)length), replies);
                    recorder?.Observe(buffer.AsSpan(start + 4, (int)length), replies.Written.Span[replied..]);
                }
                catch (SshProtocolException e)
                {
                    logger.SessionFailed(e.Message);
                    await SendAsync(output, replies, cancellationToken).ConfigureAwait(false);
                    return ProtocolErrorExitStatus;
                }

                start += 4 + (int)length;
                if (replies.Length >= WriteThreshold)
                {
                    await output.WriteAsync(replies.Written, cancellationToken).ConfigureAwait(false);
                    replies.Clear();
                }
            }

            await SendAsync(output, replies, cancellationToken).ConfigureAwait(false);
            if (start > 0)
            {
                buffer.AsSpan(start, end - start).CopyTo(buffer);
                end -= start;
                start = 0;
            }

            var read = await input.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                if (end == 0)
                {
                    logger.SessionEnded();
                    return 0;
                }

                logger.TruncatedPacket(end);
                return ProtocolErrorExitStatus;
            }

            end += read;
        }
    }

    private static async Task SendAsync(Stream output, SftpPacketWriter replies, CancellationToken cancellationToken)
    {
        if (replies.Length == 0)
            return;
        await output.WriteAsync(replies.Written, cancellationToken).ConfigureAwait(false);
        replies.Clear();
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string Home(string directory)
    {
        if (string.IsNullOrEmpty(directory))
            throw new ArgumentException("the SFTP home directory is empty", nameof(directory));
        var full = Path.GetFullPath(directory);
        var raw = SftpFileSystem.Bytes.GetString(System.Text.Encoding.UTF8.GetBytes(full));
        return SftpPaths.RealPath(raw, out var resolved) == 0 ? resolved : raw.TrimEnd('/') is { Length: > 0 } trimmed ? trimmed : "/";
    }
}
