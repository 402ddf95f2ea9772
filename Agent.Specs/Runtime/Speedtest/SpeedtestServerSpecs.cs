using System.Reactive.Concurrency;
using System.Text;
using Agent.Runtime.Speedtest;
using Agent.Specs.Fakes.Speedtest;
using Agent.Specs.Utilities;
using Microsoft.Reactive.Testing;

namespace Agent.Specs.Runtime.Speedtest;

public sealed class SpeedtestServerSpecs
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly RecordingLogger _logger = new();

    [Fact]
    public async Task Serve_WrongVersion_AnswersVersionMismatchThenEnds()
    {
        var (response, tail) = await ExchangeAsync("""{"version":1,"time":5000000000,"direction":0}""" + "\n");

        Assert.Equal("""{"error":"version mismatch! Server is version 2, client is version 1"}""", response);
        Assert.Empty(tail);
        Assert.Contains("Speed test refused: version mismatch! Server is version 2, client is version 1", _logger.Warnings);
    }

    [Fact]
    public async Task Serve_WrongVersion_RefusalLoggedAsWarningWithEventId6405()
    {
        await ExchangeAsync("""{"version":1,"time":5000000000,"direction":0}""" + "\n");

        var refusal = Assert.Single(_logger.Entries, entry => entry.Message.StartsWith("Speed test refused: ", StringComparison.Ordinal));
        Assert.Equal((Microsoft.Extensions.Logging.LogLevel.Warning, 6405), (refusal.Level, refusal.EventId.Id));
    }

    [Fact]
    public async Task Serve_BadJson_AnswersAnErrorThenEnds()
    {
        var (response, tail) = await ExchangeAsync("GET / HTTP/1.1\r\n");

        Assert.StartsWith("""{"error":"the config is not valid JSON""", response, StringComparison.Ordinal);
        Assert.Empty(tail);
    }

    [Fact]
    public async Task Serve_OverlongConfig_AnswersAnErrorWithoutReadingOn()
    {
        var (response, _) = await ExchangeAsync(new string('{', 10_000));

        Assert.Equal($$"""{"error":"the config is longer than {{SpeedtestProtocol.MaxMessageBytes}} bytes"}""", response);
    }

    [Theory]
    [InlineData(999_999_999L)]
    [InlineData(30_000_000_100L)]
    [InlineData(-1L)]
    public async Task Serve_DurationOutOfRange_IsRefusedClearly(long nanoseconds)
    {
        var (response, tail) = await ExchangeAsync($$"""{"version":2,"time":{{nanoseconds}},"direction":0}""" + "\n");

        Assert.Equal($$"""{"error":"the duration {{nanoseconds}} ns is out of range: 1 s to 30 s"}""", response);
        Assert.Empty(tail);
    }

    [Fact]
    public async Task Serve_UnknownDirection_IsRefused()
    {
        var (response, _) = await ExchangeAsync("""{"version":2,"time":5000000000,"direction":7}""" + "\n");

        Assert.Equal("""{"error":"unknown direction 7: 0 is download, 1 is upload"}""", response);
    }

    [Fact]
    public async Task Serve_MoreTestsThanAllowed_RefusesTheExtraOneAsBusy()
    {
        var server = new SpeedtestServer(_logger, DefaultScheduler.Instance, maxConcurrentTests: 1);
        var (client1, server1) = DuplexPipeStream.CreatePair();
        var (client2, server2) = DuplexPipeStream.CreatePair();
        var first = server.ServeAsync(server1, CancellationToken.None);
        await WriteLineAsync(client1, """{"version":2,"time":5000000000,"direction":1}""");
        Assert.Equal("{}", await ReadLineAsync(client1));

        var second = server.ServeAsync(server2, CancellationToken.None);
        await WriteLineAsync(client2, """{"version":2,"time":5000000000,"direction":1}""");

        Assert.Equal("""{"error":"busy: 1 speed tests are running, try again later"}""", await ReadLineAsync(client2));
        await second.WaitAsync(Bound);
        await client1.DisposeAsync();
        await first.WaitAsync(Bound);
        Assert.Contains(_logger.At(Microsoft.Extensions.Logging.LogLevel.Information), m => m.StartsWith("Speed test done: received 0 bytes", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Serve_UploadingClientGoesQuiet_EndsAtDurationPlusFiveSecondsOfVirtualTime()
    {
        var scheduler = new TestScheduler();
        var link = new VirtualLinkStream(scheduler, 1_000_000)
        {
            Handshake = """{"version":2,"time":2000000000,"direction":1}""" + "\n",
            StallAfterHandshake = true,
        };
        var serve = new SpeedtestServer(_logger, scheduler).ServeAsync(link, CancellationToken.None);

        Assert.Equal("{}", link.FirstLineWritten);
        scheduler.AdvanceBy(TimeSpan.FromSeconds(6.9).Ticks);
        Assert.False(serve.IsCompleted);
        scheduler.AdvanceBy(TimeSpan.FromSeconds(0.2).Ticks);

        await serve.WaitAsync(Bound);
        Assert.True(link.Disposed);
        Assert.Contains("Speed test ended: not done within 7 s", _logger.Warnings);
    }

    [Fact]
    public async Task Serve_NoConfig_EndsAfterTheHandshakeTimeout()
    {
        var scheduler = new TestScheduler();
        var link = new VirtualLinkStream(scheduler, 1_000_000) { Handshake = string.Empty, StallAfterHandshake = true };
        var serve = new SpeedtestServer(_logger, scheduler).ServeAsync(link, CancellationToken.None);

        scheduler.AdvanceBy(SpeedtestProtocol.HandshakeTimeout.Ticks - 1);
        Assert.False(serve.IsCompleted);
        scheduler.AdvanceBy(1);

        await serve.WaitAsync(Bound);
        Assert.True(link.Disposed);
        Assert.Contains("Speed test ended: not done within 10 s", _logger.Warnings);
    }

    [Fact]
    public async Task Serve_ClientDownloads_SendsForTheDurationInVirtualTime()
    {
        var scheduler = new TestScheduler();
        var link = new VirtualLinkStream(scheduler, 1_000_000) { Handshake = """{"version":2,"time":1000000000,"direction":0}""" + "\n" };

        await new SpeedtestServer(_logger, scheduler).ServeAsync(link, CancellationToken.None);

        // 256 KiB slices at 1 MB/s: the 4th ends at 1.049 s, past the second.
        Assert.Equal("{}", link.FirstLineWritten);
        Assert.Equal(4L * SpeedtestProtocol.WriteSlice, link.DataBytesWritten);
        Assert.True(link.Disposed);
        Assert.Contains($"Speed test done: sent {4 * SpeedtestProtocol.WriteSlice} bytes in 1.05 s (8.0 Mbit/s)", _logger.At(Microsoft.Extensions.Logging.LogLevel.Information));
    }

    private static async Task WriteLineAsync(Stream stream, string line)
    {
        await stream.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"));
        await stream.FlushAsync();
    }

    private static async Task<string> ReadLineAsync(Stream stream)
    {
        var line = new List<byte>();
        var one = new byte[1];
        while (await stream.ReadAsync(one).AsTask().WaitAsync(Bound) == 1 && one[0] != '\n')
            line.Add(one[0]);
        return Encoding.UTF8.GetString([.. line]);
    }

    /// <summary>Sends <paramref name="request"/> to a real server over an in-memory pipe; returns the response line and whatever followed it.</summary>
    private async Task<(string Response, byte[] Tail)> ExchangeAsync(string request)
    {
        var (client, serverEnd) = DuplexPipeStream.CreatePair();
        var serve = new SpeedtestServer(_logger, DefaultScheduler.Instance).ServeAsync(serverEnd, CancellationToken.None);
        await WriteLineAsync(client, request.TrimEnd('\n'));
        var response = await ReadLineAsync(client);
        var rest = new MemoryStream();
        await client.CopyToAsync(rest).WaitAsync(Bound);
        await serve.WaitAsync(Bound);
        return (response, rest.ToArray());
    }
}
