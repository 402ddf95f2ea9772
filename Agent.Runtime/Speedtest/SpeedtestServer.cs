using System.Globalization;
using System.Reactive.Concurrency;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Speedtest;

/// <summary>
/// The agent's side of the speed test (port 3): reads the config, answers, then does the reverse of the client
/// (sends when it downloads, receives when it uploads). Bounded: the handshake within
/// <see cref="SpeedtestProtocol.HandshakeTimeout"/>, the data phase within duration + 5 s, durations of 1 s to 30 s,
/// at most <c>maxConcurrentTests</c> tests at once, one <see cref="SpeedtestProtocol.BlockSize"/> buffer per test.
/// </summary>
public sealed class SpeedtestServer
{
    /// <summary>How many speed tests may run at once unless told otherwise (each holds a 2 MiB buffer).</summary>
    public const int DefaultMaxConcurrentTests = 4;

    private readonly ILogger _logger;
    private readonly IScheduler _scheduler;
    private readonly int _maxConcurrentTests;
    private int _running;

    /// <summary>A server whose deadlines and measurements run on <paramref name="scheduler"/>.</summary>
    public SpeedtestServer(ILogger logger, IScheduler scheduler, int maxConcurrentTests = DefaultMaxConcurrentTests)
    {
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxConcurrentTests);
        _logger = logger;
        _scheduler = scheduler;
        _maxConcurrentTests = maxConcurrentTests;
    }

    /// <summary>
    /// Serves one speed test on <paramref name="stream"/> and disposes it (closing it is how the end of the data is
    /// signalled). Never throws for what the peer does: a refused config gets an error response, a failure ends
    /// this stream only, and the reason is logged.
    /// </summary>
    public async Task ServeAsync(Stream stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        await using (stream.ConfigureAwait(false))
        {
            using var deadline = new SpeedtestDeadline(_scheduler, cancellationToken);
            deadline.Arm(SpeedtestProtocol.HandshakeTimeout);
            try
            {
                await ServeTestAsync(stream, deadline).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                _logger.SpeedtestStoppedByShutdown();
            }
            catch (OperationCanceledException) when (deadline.Expired)
            {
                _logger.SpeedtestDeadlinePassed(deadline.Length);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or NotSupportedException or SpeedtestException)
            {
                _logger.SpeedtestEnded(e.Message);
            }
            catch (Exception e)
            {
                // Whatever the relayed stream throws (a WebSocket or multiplexer failure) ends this test only.
                _logger.SpeedtestEndedUnexpectedly(e, e.Message);
            }
        }
    }

    private static string? Check(SpeedtestConfig config)
    {
        if (config.Version != SpeedtestProtocol.Version)
            return $"version mismatch! Server is version {SpeedtestProtocol.Version}, client is version {config.Version}";
        if (config.Direction is not (SpeedtestDirection.Download or SpeedtestDirection.Upload))
            return $"unknown direction {(int)config.Direction}: 0 is download, 1 is upload";
        var duration = config.Duration;
        if (duration < SpeedtestProtocol.MinDuration || duration > SpeedtestProtocol.MaxDuration)
        {
            return string.Create(
                CultureInfo.InvariantCulture,
                $"the duration {config.TimeNanoseconds} ns is out of range: {SpeedtestProtocol.MinDuration.TotalSeconds} s to {SpeedtestProtocol.MaxDuration.TotalSeconds} s");
        }

        return null;
    }

    private async Task ServeTestAsync(Stream stream, SpeedtestDeadline deadline)
    {
        SpeedtestConfig config;
        try
        {
            config = await SpeedtestProtocol.ReadMessageAsync(stream, SpeedtestJsonContext.Default.SpeedtestConfig, "config", deadline.Token)
                .ConfigureAwait(false);
        }
        catch (SpeedtestException e)
        {
            await RefuseAsync(stream, e.Message, deadline.Token).ConfigureAwait(false);
            return;
        }

        var problem = Check(config);
        if (problem is not null)
        {
            await RefuseAsync(stream, problem, deadline.Token).ConfigureAwait(false);
            return;
        }

        if (Interlocked.Increment(ref _running) > _maxConcurrentTests)
        {
            Interlocked.Decrement(ref _running);
            await RefuseAsync(stream, $"busy: {_maxConcurrentTests} speed tests are running, try again later", deadline.Token).ConfigureAwait(false);
            return;
        }

        try
        {
            await SpeedtestProtocol.WriteMessageAsync(stream, SpeedtestConfigResponse.Ok, SpeedtestJsonContext.Default.SpeedtestConfigResponse, deadline.Token)
                .ConfigureAwait(false);
            var duration = config.Duration;
            var direction = SpeedtestProtocol.Reverse(config.Direction);
            deadline.Arm(duration + SpeedtestProtocol.DeadlineSlack);
            var block = GC.AllocateUninitializedArray<byte>(SpeedtestProtocol.BlockSize);
            var result = direction == SpeedtestDirection.Upload
                ? await SpeedtestTransfer.SendAsync(stream, block, duration, direction, _scheduler, progress: null, deadline.Token).ConfigureAwait(false)
                : await SpeedtestTransfer.ReceiveAsync(stream, block, direction, _scheduler, progress: null, deadline.Token).ConfigureAwait(false);
            _logger.SpeedtestDone(direction, result.Total);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    private async Task RefuseAsync(Stream stream, string reason, CancellationToken cancellationToken)
    {
        _logger.SpeedtestRefused(reason);
        await SpeedtestProtocol.WriteMessageAsync(stream, new SpeedtestConfigResponse(reason), SpeedtestJsonContext.Default.SpeedtestConfigResponse, cancellationToken)
            .ConfigureAwait(false);
    }
}
