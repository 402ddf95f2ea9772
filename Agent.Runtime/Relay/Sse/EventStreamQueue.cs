using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Agent.Reactive.Monitoring;

namespace Agent.Runtime.Relay.Sse;

/// <summary>
/// The events waiting for one event-stream client, as formatted Server-Sent Events, bounded in bytes.
/// An event that only states a latest value (the connection, the relay, the startup report, app health,
/// stats, one metadata key) replaces the one of its kind still waiting, in that one's place: a slow reader gets
/// the newest value and nothing piles up. Log lines, lifecycle changes and terminal events each wait.
/// The snapshot a client starts with is always taken (the agent's own bounds keep it small); after it, once more
/// than the budget waits, the queue gives up: it forgets what waits, <see cref="GaveUp"/> fires (a write
/// stuck on the client is cancelled) and the stream ends, so the client reconnects and starts again from a
/// fresh snapshot. Thread-safe for one writer (the event source) and one reader.
/// </summary>
internal sealed class EventStreamQueue : IDisposable
{
    /// <summary>The SSE event name of each event type: the JSON type discriminator of <see cref="AgentEvent"/>.</summary>
    private static readonly Dictionary<Type, string> EventNames =
        (MonitoringJsonContext.Default.AgentEvent.PolymorphismOptions?.DerivedTypes ?? [])
            .ToDictionary(derived => derived.DerivedType, derived => derived.TypeDiscriminator?.ToString() ?? "event");

    private readonly Lock _gate = new();
    private readonly LinkedList<Waiting> _frames = new();
    private readonly Dictionary<string, LinkedListNode<Waiting>> _latest = new(StringComparer.Ordinal);
    private readonly Channel<bool> _doorbell = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.DropWrite,
    });

    private readonly CancellationTokenSource _gaveUp = new();
    private readonly long _budget;
    private long _limit = long.MaxValue;
    private long _bytes;
    private bool _ended;

    /// <param name="budget">Bytes that may wait beyond the snapshot.</param>
    public EventStreamQueue(long budget)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(budget, 1);
        _budget = budget;
    }

    /// <summary>Fires when the client fell more than the budget behind.</summary>
    public CancellationToken GaveUp => _gaveUp.Token;

    /// <summary>The bytes that waited when the queue gave up (0 while it has not).</summary>
    public long BytesWhenGivenUp { get; private set; }

    /// <summary>Bytes waiting now.</summary>
    public long Bytes
    {
        get
        {
            lock (_gate)
                return _bytes;
        }
    }

    /// <summary>The end of the snapshot: from now on at most the budget may wait beyond what waits now.</summary>
    public void SnapshotTaken()
    {
        lock (_gate)
            _limit = _bytes + _budget;
    }

    /// <summary>Formats and queues <paramref name="agentEvent"/>; gives up when the client is too far behind.</summary>
    public void Add(AgentEvent agentEvent)
    {
        ArgumentNullException.ThrowIfNull(agentEvent);
        Add(Format(agentEvent), LatestValueKey(agentEvent));
    }

    /// <summary>
    /// Queues a formatted event; one with a <paramref name="key"/> replaces the one of the same key still waiting, in
    /// its place. Gives up when the client is too far behind.
    /// </summary>
    public void Add(byte[] frame, string? key)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var gaveUp = false;
        lock (_gate)
        {
            if (_ended)
                return;
            if (key is not null && _latest.TryGetValue(key, out var waiting))
            {
                _bytes -= waiting.Value.Frame.Length;
                waiting.Value.Frame = frame;
            }
            else
            {
                var node = _frames.AddLast(new Waiting(key, frame));
                if (key is not null)
                    _latest[key] = node;
            }

            _bytes += frame.Length;
            if (_bytes > _limit)
            {
                BytesWhenGivenUp = _bytes;
                _frames.Clear();
                _latest.Clear();
                _bytes = 0;
                _ended = gaveUp = true;
            }
        }

        if (gaveUp)
        {
            _doorbell.Writer.TryComplete();
            _ = _gaveUp.CancelAsync(); // Not inline: the event source holds its locks here.
        }
        else
        {
            _doorbell.Writer.TryWrite(true);
        }
    }

    /// <summary>No more events come (the source completed or failed); what waits is still read.</summary>
    public void Complete()
    {
        lock (_gate)
            _ended = true;
        _doorbell.Writer.TryComplete();
    }

    /// <summary>The oldest waiting frame, if any.</summary>
    public bool TryTake(out byte[] frame)
    {
        lock (_gate)
        {
            if (_frames.First is not { } first)
            {
                frame = [];
                return false;
            }

            _frames.RemoveFirst();
            frame = first.Value.Frame;
            _bytes -= frame.Length;
            if (first.Value.Key is { } key)
                _latest.Remove(key);
            return true;
        }
    }

    /// <summary>Completes with <c>true</c> when something may wait, <c>false</c> once the queue ended.</summary>
    public ValueTask<bool> WaitAsync(CancellationToken cancellationToken) => _doorbell.Reader.WaitToReadAsync(cancellationToken);

    /// <summary>Takes the doorbell's ring after <see cref="WaitAsync"/> (the frames are read with <see cref="TryTake"/>).</summary>
    public void Acknowledge() => _doorbell.Reader.TryRead(out _);

    public void Dispose() => _gaveUp.Dispose();

    /// <summary>One SSE event; the JSON is on one line because the serializer escapes every control character.</summary>
    internal static byte[] Format(AgentEvent agentEvent)
    {
        var name = EventNames.GetValueOrDefault(agentEvent.GetType(), "event");
        var json = JsonSerializer.SerializeToUtf8Bytes(agentEvent, MonitoringJsonContext.Default.AgentEvent);
        var head = Encoding.UTF8.GetBytes($"event: {name}\ndata: ");
        var frame = new byte[head.Length + json.Length + 2];
        head.CopyTo(frame, 0);
        json.CopyTo(frame, head.Length);
        frame[^2] = (byte)'\n';
        frame[^1] = (byte)'\n';
        return frame;
    }

    /// <summary>The kind of latest value <paramref name="agentEvent"/> states, or <c>null</c> when every one counts.</summary>
    private static string? LatestValueKey(AgentEvent agentEvent) => agentEvent switch
    {
        MetadataCollected metadata => "metadata:" + metadata.Key,
        ConnectionChanged or RelayChanged or StartupReported or AppHealthChanged or StatsReported => agentEvent.GetType().Name,
        _ => null,
    };

    /// <summary>A frame waiting, with the kind of latest value it states (or <c>null</c>).</summary>
    private sealed class Waiting(string? key, byte[] frame)
    {
        public string? Key { get; } = key;

        public byte[] Frame { get; set; } = frame;
    }
}
