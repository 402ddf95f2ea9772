using System.Buffers.Binary;
using System.Text;

namespace Agent.Runtime.Relay;

/// <summary>
/// The first bytes of a relayed stream (docs/relay-protocol.md): the control plane's request (version, port) and the
/// agent's reply (status, message).
/// </summary>
public static class RelayHandshake
{
    public const byte Version = 1;

    /// <summary>The HTTP header in which the control plane repeats why a relayed stream could not be opened.</summary>
    public const string ErrorHeader = "X-Relay-Error";

    /// <summary>The longest reply message in bytes.</summary>
    public const int MaxMessageBytes = 255;

    public static async Task WriteRequestAsync(Stream stream, int port, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, ushort.MaxValue);
        var request = new byte[3];
        request[0] = Version;
        BinaryPrimitives.WriteUInt16BigEndian(request.AsSpan(1), (ushort)port);
        await stream.WriteAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a request; <see cref="EndOfStreamException"/> when the stream ends first.</summary>
    public static async Task<(byte Version, int Port)> ReadRequestAsync(Stream stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var request = new byte[3];
        await stream.ReadExactlyAsync(request, cancellationToken).ConfigureAwait(false);
        return (request[0], BinaryPrimitives.ReadUInt16BigEndian(request.AsSpan(1)));
    }

    public static async Task WriteReplyAsync(Stream stream, RelayStatus status, string message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(message);
        var text = Encoding.UTF8.GetBytes(message);
        var length = Math.Min(text.Length, MaxMessageBytes);
        var reply = new byte[2 + length];
        reply[0] = (byte)status;
        reply[1] = (byte)length;
        text.AsSpan(0, length).CopyTo(reply.AsSpan(2));
        await stream.WriteAsync(reply, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a reply; <see cref="EndOfStreamException"/> when the stream ends first.</summary>
    public static async Task<(RelayStatus Status, string Message)> ReadReplyAsync(Stream stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var head = new byte[2];
        await stream.ReadExactlyAsync(head, cancellationToken).ConfigureAwait(false);
        var text = new byte[head[1]];
        await stream.ReadExactlyAsync(text, cancellationToken).ConfigureAwait(false);
        return ((RelayStatus)head[0], Encoding.UTF8.GetString(text));
    }
}
