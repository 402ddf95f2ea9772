using System.Reactive.Concurrency;
using System.Text;
using System.Text.Json;
using Agent.Runtime.Terminal;
using Agent.Specs.Fakes.Terminal;
using Agent.Specs.Utilities;
using Microsoft.Extensions.Logging;

namespace Agent.Specs.Fuzz;

/// <summary>
/// The reconnecting-PTY protocol: the 2-byte length and init JSON, then concatenated JSON requests. Whole
/// connections go through <see cref="TerminalServer"/> (fake PTY), and request streams, cut anywhere, through
/// <see cref="RequestStreamParser"/>. A bad connection ends with a logged warning and nothing else.
/// </summary>
[Collection(FuzzCollection.Name)]
public sealed class TerminalFuzzSpecs
{
    private const int MaxRequestBytes = 4096;

    private static readonly byte[][] Requests =
    [
        Encoding.UTF8.GetBytes("{\"data\":\"echo hi\\r\"}{\"height\":50,\"width\":132}{\"data\":\"\\u001b[A\",\"height\":1,\"width\":1}"),
        Encoding.UTF8.GetBytes("{\"data\":\"exit\\r\"}"),
        Encoding.UTF8.GetBytes(" {\"Data\":\"x\", \"Width\": 80, \"Height\": 24, \"extra\": [1, {\"a\": null}]}\n"),
    ];

    internal static FuzzTarget ServerTarget { get; } = new(
        "rpty-connection",
        [
            [.. TerminalServer.EncodeInit(new TerminalInit { Id = "abc", Width = 80, Height = 24 }), .. Requests[0]],
            [.. TerminalServer.EncodeInit(new TerminalInit { Id = "0b6a4c1e-8d2f-4e5a-9c3b-1a2b3c4d5e6f", Width = 200, Height = 60, Command = "top -d 1" }), .. Requests[1], .. Requests[2]],
        ],
        ServeAsync)
    {
        Dictionary = FuzzDictionaries.Json,
        MaxInputBytes = 16 * 1024,
    };

    internal static FuzzTarget ParserTarget { get; } = new("rpty-requests", Requests, (input, _) => Task.FromResult(ParseRequests(input)))
    {
        Dictionary = FuzzDictionaries.Json,
        MaxInputBytes = 3 * MaxRequestBytes,
    };

    [Fact]
    public async Task Serve_MutatedConnections_AttachOrLoggedRefusal()
        => await FuzzSpec.RunAsync(ServerTarget);

    [Fact]
    public async Task Parser_MutatedRequestStreams_RequestsOrJsonOrSizeError()
        => await FuzzSpec.RunAsync(ParserTarget, minimumExecutions: 1000);

    private static async Task<FuzzOutcome> ServeAsync(byte[] input, CancellationToken cancellationToken)
    {
        using var harness = new TerminalHarness(DefaultScheduler.Instance);
        var logger = new RecordingLogger();
        var server = new TerminalServer(harness.Sessions, TerminalServerOptions.Default with { MaxRequestBytes = MaxRequestBytes }, logger);
        var (client, serverEnd) = DuplexPipeStream.CreatePair();
        var serving = server.ServeAsync(serverEnd, cancellationToken);
        try
        {
            await client.WriteAsync(input, cancellationToken);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The server closed the connection before taking all of it.
        }

        await client.DisposeAsync();
        await serving;
        return logger.Entries.Any(e => e.Level >= LogLevel.Warning) ? FuzzOutcome.Refused : FuzzOutcome.Accepted;
    }

    private static FuzzOutcome ParseRequests(byte[] input)
    {
        var parser = new RequestStreamParser(MaxRequestBytes);
        var random = new Random(input.Length);
        try
        {
            for (var offset = 0; offset < input.Length;)
            {
                var chunk = Math.Min(input.Length - offset, random.Next(1, 64));
                input.AsSpan(offset, chunk).CopyTo(parser.GetMemory(chunk).Span);
                parser.Advance(chunk);
                offset += chunk;
                while (parser.TryRead(out _))
                {
                }
            }

            return FuzzOutcome.Accepted;
        }
        catch (Exception e) when (e is JsonException or InvalidDataException)
        {
            return FuzzOutcome.Refused;
        }
    }
}
