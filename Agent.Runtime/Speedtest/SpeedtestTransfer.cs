using System.Reactive.Concurrency;
using System.Security.Cryptography;

namespace Agent.Runtime.Speedtest;

/// <summary>The data phase, for either side: send random bytes for a duration, or count bytes until the end of the stream.</summary>
internal static class SpeedtestTransfer
{
    /// <summary>
    /// Writes <paramref name="block"/> (filled with random bytes) over and over, a <see cref="SpeedtestProtocol.WriteSlice"/>
    /// at a time, until more than <paramref name="duration"/> has passed. The caller closes the stream afterwards.
    /// </summary>
    public static async Task<SpeedtestResult> SendAsync(
        Stream stream,
        byte[] block,
        TimeSpan duration,
        SpeedtestDirection direction,
        IScheduler scheduler,
        IObserver<SpeedtestInterval>? progress,
        CancellationToken cancellationToken)
    {
        RandomNumberGenerator.Fill(block);
        var meter = new SpeedtestMeter(scheduler);
        var offset = 0;
        do
        {
            await stream.WriteAsync(block.AsMemory(offset, SpeedtestProtocol.WriteSlice), cancellationToken).ConfigureAwait(false);
            offset = (offset + SpeedtestProtocol.WriteSlice) % block.Length;
            Report(meter.Record(SpeedtestProtocol.WriteSlice), progress);
        }
        while (meter.Elapsed <= duration);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        return Finish(meter, direction, progress);
    }

    /// <summary>Reads into <paramref name="block"/> until the end of the stream, counting every read.</summary>
    public static async Task<SpeedtestResult> ReceiveAsync(
        Stream stream,
        byte[] block,
        SpeedtestDirection direction,
        IScheduler scheduler,
        IObserver<SpeedtestInterval>? progress,
        CancellationToken cancellationToken)
    {
        var meter = new SpeedtestMeter(scheduler);
        while (true)
        {
            var read = await stream.ReadAsync(block, cancellationToken).ConfigureAwait(false);
            if (read == 0)
                break;
            Report(meter.Record(read), progress);
        }

        return Finish(meter, direction, progress);
    }

    private static SpeedtestResult Finish(SpeedtestMeter meter, SpeedtestDirection direction, IObserver<SpeedtestInterval>? progress)
    {
        var closed = meter.ClosedIntervals;
        var result = meter.Finish(direction);
        if (result.Intervals.Count > closed)
            Report(result.Intervals[^1], progress);
        return result;
    }

    private static void Report(SpeedtestInterval? interval, IObserver<SpeedtestInterval>? progress)
    {
        if (interval is not null)
            progress?.OnNext(interval);
    }
}
