using System.Net;
using System.Net.Sockets;
using System.Reactive.Concurrency;
using Agent.Runtime.Speedtest;
using Agent.Specs.Utilities;
using Microsoft.Extensions.Logging;

namespace Agent.Specs.Runtime.Speedtest;

/// <summary>Real one-second runs, client against server, in both directions, over an in-memory pipe and over loopback TCP.</summary>
public sealed class SpeedtestEndToEndSpecs
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly RecordingLogger _logger = new();

    [Theory]
    [InlineData(SpeedtestDirection.Download)]
    [InlineData(SpeedtestDirection.Upload)]
    public async Task Run_OverAnInMemoryPipe_BothSidesCountTheSameBytes(SpeedtestDirection direction)
    {
        var (client, server) = DuplexPipeStream.CreatePair();
        var serve = new SpeedtestServer(_logger, DefaultScheduler.Instance).ServeAsync(server, CancellationToken.None);

        var result = await SpeedtestClient.RunAsync(client, direction, TimeSpan.FromSeconds(1), DefaultScheduler.Instance, null, CancellationToken.None)
            .WaitAsync(Bound);
        await serve.WaitAsync(Bound);

        AssertConsistent(direction, result);
    }

    [Theory]
    [InlineData(SpeedtestDirection.Download)]
    [InlineData(SpeedtestDirection.Upload)]
    public async Task Run_OverLoopbackTcp_BothSidesCountTheSameBytes(SpeedtestDirection direction)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var speedtest = new SpeedtestServer(_logger, DefaultScheduler.Instance);
        var serve = Task.Run(async () =>
        {
            var accepted = await listener.AcceptSocketAsync();
            await speedtest.ServeAsync(new NetworkStream(accepted, ownsSocket: true), CancellationToken.None);
        });
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync((IPEndPoint)listener.LocalEndpoint);

        var result = await SpeedtestClient.RunAsync(
                new NetworkStream(socket, ownsSocket: true), direction, TimeSpan.FromSeconds(1), DefaultScheduler.Instance, null, CancellationToken.None)
            .WaitAsync(Bound);
        await serve.WaitAsync(Bound);

        AssertConsistent(direction, result);
    }

    private void AssertConsistent(SpeedtestDirection direction, SpeedtestResult result)
    {
        Assert.Equal(direction, result.Direction);
        Assert.True(result.Total.Bytes > 0, "no bytes moved");
        var counted = result.Intervals.Sum(interval => interval.Bytes);
        Assert.InRange(counted, 0, result.Total.Bytes);
        if (result.Intervals.Count > 0 && result.Intervals[^1].End == result.Total.End)
            Assert.Equal(result.Total.Bytes, counted);
        Assert.True(result.Total.MegabitsPerSecond > 0);
        if (direction == SpeedtestDirection.Upload)
            Assert.True(result.Total.End > TimeSpan.FromSeconds(1), $"the upload stopped at {result.Total.End}");
        Assert.All(result.Intervals.SkipLast(1), interval => Assert.True(interval.Length >= SpeedtestProtocol.Increment));
        var verb = direction == SpeedtestDirection.Download ? "sent" : "received";
        Assert.Contains(_logger.At(LogLevel.Information), m => m.StartsWith($"Speed test done: {verb} {result.Total.Bytes} bytes in ", StringComparison.Ordinal));
    }
}
