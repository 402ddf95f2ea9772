using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Agent.Runtime.Speedtest;

/// <summary>
/// tailscale's <c>net/speedtest</c> protocol, version 2, as the agent serves it on port 3:
/// <list type="number">
/// <item>the client sends a <see cref="SpeedtestConfig"/> as one JSON line;</item>
/// <item>the server answers with a <see cref="SpeedtestConfigResponse"/> line (<c>{}</c>, or an error and the end);</item>
/// <item>the sender writes random bytes for the duration, then closes the stream: the receiver reads until the end
/// of the stream (with a deadline of duration + 5 s) and buckets what it counts per <see cref="Increment"/>.</item>
/// </list>
/// Deviations from the Go code, none of them visible in the byte format: the JSON lines are read up to their
/// newline (Go's <c>json.Encoder</c> always writes one; reading no further means no data is swallowed by a
/// decoder's buffer); the sender writes its 2 MiB block in <see cref="WriteSlice"/> pieces and may stop between
/// two of them, so a slow link does not overshoot the duration by a whole block; the receiver counts every read
/// (Go counts whole blocks and drops a partial last one); the server takes 1 s to 30 s only and a bounded number
/// of tests at once, and says so in the error response; the total is always reported.
/// </summary>
public static class SpeedtestProtocol
{
    /// <summary>The protocol version both sides must agree on.</summary>
    public const int Version = 2;

    /// <summary>The agent port of the speed test.</summary>
    public const int AgentPort = 3;

    /// <summary>The sender's buffer of random bytes (Go's <c>blockSize</c>); also the receiver's read buffer.</summary>
    public const int BlockSize = 2 * 1024 * 1024;

    /// <summary>The sender writes its block in pieces of this size and checks the clock after each.</summary>
    public const int WriteSlice = 256 * 1024;

    /// <summary>A config or response line longer than this is refused.</summary>
    public const int MaxMessageBytes = 4096;

    /// <summary>Results are bucketed per second (Go's <c>increment</c>).</summary>
    public static readonly TimeSpan Increment = TimeSpan.FromSeconds(1);

    /// <summary>A trailing segment is reported only when longer than this (Go's <c>minInterval</c>).</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>The shortest test accepted (Go's client allows 5 s; a shorter one is handy and harmless).</summary>
    public static readonly TimeSpan MinDuration = TimeSpan.FromSeconds(1);

    /// <summary>The longest test accepted (Go's <c>MaxDuration</c>).</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromSeconds(30);

    /// <summary>The test length when none is given (Go's <c>DefaultDuration</c>).</summary>
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(5);

    /// <summary>How long either side waits for the handshake (config, then response).</summary>
    public static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The data phase must end within its duration plus this (Go's read deadline).</summary>
    public static readonly TimeSpan DeadlineSlack = TimeSpan.FromSeconds(5);

    /// <summary>The other side's direction: the server does what the client does not.</summary>
    public static SpeedtestDirection Reverse(SpeedtestDirection direction)
        => direction == SpeedtestDirection.Upload ? SpeedtestDirection.Download : SpeedtestDirection.Upload;

    /// <summary>Writes <paramref name="message"/> as one JSON line.</summary>
    internal static async Task WriteMessageAsync<T>(Stream stream, T message, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(message, typeInfo);
        var line = new byte[json.Length + 1];
        json.CopyTo(line, 0);
        line[^1] = (byte)'\n';
        await stream.WriteAsync(line, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads one JSON line (up to its newline or the end of the stream, at most <see cref="MaxMessageBytes"/>),
    /// byte by byte so that nothing after it is consumed. Throws <see cref="SpeedtestException"/> for an empty
    /// stream, an overlong line or JSON that is not <typeparamref name="T"/>.
    /// </summary>
    internal static async Task<T> ReadMessageAsync<T>(Stream stream, JsonTypeInfo<T> typeInfo, string what, CancellationToken cancellationToken)
        where T : class
    {
        var line = new byte[MaxMessageBytes];
        var length = 0;
        while (true)
        {
            if (length == line.Length)
                throw new SpeedtestException($"the {what} is longer than {MaxMessageBytes} bytes");
            var read = await stream.ReadAsync(line.AsMemory(length, 1), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                if (length == 0)
                    throw new SpeedtestException($"the stream ended before the {what}");
                break;
            }

            if (line[length] == (byte)'\n')
                break;
            length++;
        }

        try
        {
            return JsonSerializer.Deserialize(line.AsSpan(0, length), typeInfo)
                ?? throw new SpeedtestException($"the {what} is null");
        }
        catch (JsonException e)
        {
            throw new SpeedtestException($"the {what} is not valid JSON: {e.Message}", e);
        }
    }
}
