using System.Globalization;
using System.Reactive.Concurrency;

namespace Agent.Runtime.Speedtest;

/// <summary>The client's side of the speed test: sends the config, checks the answer, then sends or receives.</summary>
public static class SpeedtestClient
{
    /// <summary>
    /// Runs one speed test over <paramref name="stream"/> (a relayed stream to agent port 3) and disposes it (after an
    /// upload, closing it is how the server learns the end). <paramref name="progress"/> gets each interval as it
    /// closes (about one per second, then the tail), then <c>OnCompleted</c>, or <c>OnError</c> with the exception
    /// this throws: <see cref="SpeedtestException"/> when the agent refuses or answers nonsense,
    /// <see cref="TimeoutException"/> when the handshake or the data phase misses its deadline (on
    /// <paramref name="scheduler"/>), <see cref="IOException"/> when the stream breaks.
    /// </summary>
    public static async Task<SpeedtestResult> RunAsync(
        Stream stream,
        SpeedtestDirection direction,
        TimeSpan duration,
        IScheduler scheduler,
        IObserver<SpeedtestInterval>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(scheduler);
        if (direction is not (SpeedtestDirection.Download or SpeedtestDirection.Upload))
            throw new ArgumentOutOfRangeException(nameof(direction), direction, "a speed test goes up or down");
        if (duration < SpeedtestProtocol.MinDuration || duration > SpeedtestProtocol.MaxDuration)
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "a speed test takes 1 s to 30 s");

        await using (stream.ConfigureAwait(false))
        {
            using var deadline = new SpeedtestDeadline(scheduler, cancellationToken);
            var phase = "the agent did not answer the speed test config";
            try
            {
                deadline.Arm(SpeedtestProtocol.HandshakeTimeout);
                await SpeedtestProtocol.WriteMessageAsync(
                    stream, SpeedtestConfig.For(direction, duration), SpeedtestJsonContext.Default.SpeedtestConfig, deadline.Token).ConfigureAwait(false);
                var response = await SpeedtestProtocol.ReadMessageAsync(
                    stream, SpeedtestJsonContext.Default.SpeedtestConfigResponse, "config response", deadline.Token).ConfigureAwait(false);
                if (!string.IsNullOrEmpty(response.Error))
                    throw new SpeedtestException($"the agent refused the speed test: {response.Error}");

                phase = "the speed test did not finish";
                deadline.Arm(duration + SpeedtestProtocol.DeadlineSlack);
                var block = GC.AllocateUninitializedArray<byte>(SpeedtestProtocol.BlockSize);
                var result = direction == SpeedtestDirection.Upload
                    ? await SpeedtestTransfer.SendAsync(stream, block, duration, direction, scheduler, progress, deadline.Token).ConfigureAwait(false)
                    : await SpeedtestTransfer.ReceiveAsync(stream, block, direction, scheduler, progress, deadline.Token).ConfigureAwait(false);
                progress?.OnCompleted();
                return result;
            }
            catch (OperationCanceledException) when (deadline.Expired && !cancellationToken.IsCancellationRequested)
            {
                var timeout = new TimeoutException(string.Create(
                    CultureInfo.InvariantCulture, $"{phase} within {deadline.Length.TotalSeconds:0.#} s"));
                progress?.OnError(timeout);
                throw timeout;
            }
            catch (Exception e)
            {
                progress?.OnError(e);
                throw;
            }
        }
    }
}
