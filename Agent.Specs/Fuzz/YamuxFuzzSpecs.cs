using System.Text;
using Agent.Runtime.Relay.Yamux;
using Agent.Specs.Utilities;

namespace Agent.Specs.Fuzz;

/// <summary>
/// Frames from a yamux peer (headers, data, window updates, pings, go-away) into a session of either side (the
/// agent is the server, the control plane the client), its streams accepted, read and answered. The property: the
/// session ends when the peer's bytes end, with a protocol-error go-away for a violation and never another fault.
/// The first input byte picks the side.
/// </summary>
[Collection(FuzzCollection.Name)]
public sealed class YamuxFuzzSpecs
{
    internal static FuzzTarget Target { get; } = new(
        "yamux-frames",
        [ServerSide(), ClientSide()],
        RunAsync)
    {
        Dictionary = FuzzDictionaries.Tokens("\0\0\0\x01", "\0\x02\0\x01", "\0\x01\0\x04", "\0\x01\0\x08", "\0\x03\0\0", "\xFF\xFF\xFF\xFF", "\0\x04\0\0"),
        MaxInputBytes = 16 * 1024,
    };

    [Fact]
    public async Task Session_MutatedFrames_EndsWithTheInputAndOnlyProtocolErrors()
        => await FuzzSpec.RunAsync(Target);

    /// <summary>What a client (the control plane) sends the agent: streams opened, data, half-close, reset, pings, go-away.</summary>
    internal static byte[] ServerSide()
        => [0, .. Frame(YamuxFrameType.WindowUpdate, YamuxFlags.Syn, 1, 0), .. Data(1, YamuxFlags.None, "\x01\0hello"),
            .. Frame(YamuxFrameType.WindowUpdate, YamuxFlags.None, 1, 4096), .. Frame(YamuxFrameType.Ping, YamuxFlags.Syn, 0, 7),
            .. Frame(YamuxFrameType.Ping, YamuxFlags.Ack, 0, 0), .. Data(3, YamuxFlags.Syn | YamuxFlags.Fin, "\x16\0x"),
            .. Data(1, YamuxFlags.Fin, string.Empty), .. Frame(YamuxFrameType.WindowUpdate, YamuxFlags.Syn, 5, 1 << 20),
            .. Frame(YamuxFrameType.WindowUpdate, YamuxFlags.Rst, 5, 0), .. Frame(YamuxFrameType.GoAway, YamuxFlags.None, 0, 0)];

    /// <summary>What a relay (the agent) sends the control plane: the same from the other side, even stream ids.</summary>
    internal static byte[] ClientSide()
        => [1, .. Frame(YamuxFrameType.WindowUpdate, YamuxFlags.Syn, 2, 0), .. Data(2, YamuxFlags.None, "hello"),
            .. Frame(YamuxFrameType.Ping, YamuxFlags.Syn, 0, 1), .. Data(4, YamuxFlags.Syn, "abc"), .. Data(2, YamuxFlags.Fin, "!"),
            .. Frame(YamuxFrameType.WindowUpdate, YamuxFlags.Rst, 4, 0), .. Frame(YamuxFrameType.GoAway, YamuxFlags.None, 0, 0)];

    private static byte[] Frame(YamuxFrameType type, YamuxFlags flags, uint stream, uint length)
    {
        var header = new byte[YamuxFrameHeader.Size];
        YamuxFrameHeader.Write(header, type, flags, stream, length);
        return header;
    }

    private static byte[] Data(uint stream, YamuxFlags flags, string payload)
    {
        var bytes = Encoding.Latin1.GetBytes(payload);
        return [.. Frame(YamuxFrameType.Data, flags, stream, (uint)bytes.Length), .. bytes];
    }

    private static async Task<FuzzOutcome> RunAsync(byte[] input, CancellationToken cancellationToken)
    {
        if (input.Length == 0)
            return FuzzOutcome.Refused;
        var transport = new ChunkedInputStream(input[1..]);
        var logger = new RecordingLogger();
        var session = input[0] % 2 == 0 ? YamuxSession.Server(transport, new YamuxOptions(), logger) : YamuxSession.Client(transport, new YamuxOptions(), logger);
        var streams = new List<Task>();
        try
        {
            while (true)
                streams.Add(AnswerAsync(await session.AcceptStreamAsync(cancellationToken)));
        }
        catch (YamuxSessionClosedException)
        {
            // No more streams: the session is going away or ended.
        }

        try
        {
            await session.Completion;
        }
        catch (YamuxSessionClosedException e) when (e.Message.Contains("protocol error", StringComparison.Ordinal))
        {
            return FuzzOutcome.Refused;
        }
        catch (YamuxSessionClosedException)
        {
            // The peer's bytes ended without a go-away: the usual end of these inputs.
        }

        await Task.WhenAll(streams);
        await session.DisposeAsync();
        return FuzzOutcome.Accepted;
    }

    private static async Task AnswerAsync(YamuxStream stream)
    {
        try
        {
            var buffer = new byte[4096];
            while (await stream.ReadAsync(buffer) > 0)
                await stream.WriteAsync("ok"u8.ToArray());
            await stream.CompleteWritesAsync();
        }
        catch (IOException)
        {
            // Reset by the peer, or the session ended (YamuxSessionClosedException is an IOException).
        }
        finally
        {
            await stream.DisposeAsync();
        }
    }
}
