using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Os.Processes;

/// <summary>
/// Hands lines from the pipe reader to the caller's observer without ever blocking the reader.
/// Policy: at most <see cref="MaxQueuedLines"/> lines and <see cref="MaxQueuedChars"/> characters wait for
/// the observer; a line that does not fit is dropped (the output file, when there is one, still gets every
/// byte) and, once the queue has room again, one notice line says how many were dropped. An observer that
/// throws is logged and not called again; its lines are discarded. The observer is never completed: the
/// caller owns it.
/// </summary>
internal sealed class LineHandoff
{
    public const int MaxQueuedLines = 4096;
    public const long MaxQueuedChars = 4L * 1024 * 1024;

    private readonly Channel<string> _channel = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly IObserver<string> _observer;
    private readonly ILogger _logger;
    private int _queuedLines;
    private long _queuedChars;
    private long _dropped;

    public LineHandoff(IObserver<string> observer, ILogger logger)
    {
        _observer = observer;
        _logger = logger;
        Completion = Task.Run(DeliverAsync);
    }

    /// <summary>Completes when every queued line was delivered after <see cref="Complete"/>.</summary>
    public Task Completion { get; }

    /// <summary>Queues <paramref name="line"/> or drops it; never blocks. Called by one thread at a time.</summary>
    public void Post(string line)
    {
        if (Volatile.Read(ref _queuedLines) >= MaxQueuedLines || Interlocked.Read(ref _queuedChars) + line.Length > MaxQueuedChars)
        {
            _dropped++;
            return;
        }

        if (_dropped > 0)
            PostNotice();
        Enqueue(line);
    }

    public void Complete()
    {
        if (_dropped > 0)
            PostNotice();
        _channel.Writer.TryComplete();
    }

    private void PostNotice()
    {
        Enqueue(string.Create(CultureInfo.InvariantCulture, $"[agent] {_dropped} output line(s) dropped: the log consumer fell behind"));
        _logger.OutputLinesDropped(_dropped);
        _dropped = 0;
    }

    private void Enqueue(string line)
    {
        Interlocked.Increment(ref _queuedLines);
        Interlocked.Add(ref _queuedChars, line.Length);
        _channel.Writer.TryWrite(line);
    }

    private async Task DeliverAsync()
    {
        var failed = false;
        await foreach (var line in _channel.Reader.ReadAllAsync())
        {
            Interlocked.Decrement(ref _queuedLines);
            Interlocked.Add(ref _queuedChars, -line.Length);
            if (failed)
                continue;
            try
            {
                _observer.OnNext(line);
            }
            catch (Exception exception)
            {
                failed = true;
                _logger.OutputObserverFailed(exception);
            }
        }
    }
}
