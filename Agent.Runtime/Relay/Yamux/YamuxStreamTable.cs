using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Relay.Yamux;

/// <summary>
/// The streams of one session and its life state, under one lock: open streams by id, the ids each side opens next,
/// the queue of inbound streams not accepted yet, the going-away flag, the reason the session ended, and the receive
/// window granted beyond the streams' initial windows. The frames that open, accept or refuse a stream are queued under
/// the lock, so stream ids reach the peer in order.
/// </summary>
internal sealed class YamuxStreamTable
{
    private const string GoingAwayReason = "the session is going away: no new streams";
    private readonly YamuxSession _session;
    private readonly YamuxOptions _options;
    private readonly ILogger _logger;
    private readonly bool _isClient;
    private readonly Lock _gate = new();
    private readonly Dictionary<uint, YamuxStream> _streams = [];
    private readonly Channel<YamuxStream> _accepted = Channel.CreateUnbounded<YamuxStream>(new UnboundedChannelOptions { SingleWriter = true });
    private uint _nextStreamId;
    private uint _lastInboundId;
    private int _backlog;
    private bool _goingAway;
    private string? _closeReason;
    private long _windowGrowth;

    public YamuxStreamTable(YamuxSession session, YamuxOptions options, ILogger logger, bool isClient)
    {
        _session = session;
        _options = options;
        _logger = logger;
        _isClient = isClient;
        _nextStreamId = isClient ? 1u : 2u;
    }

    /// <summary>Streams open (including inbound ones not accepted yet).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
                return _streams.Count;
        }
    }

    /// <summary>Whether either side said go-away.</summary>
    public bool IsGoingAway
    {
        get
        {
            lock (_gate)
                return _goingAway;
        }
    }

    /// <summary>Why the session ended, or null while it runs.</summary>
    public string? CloseReason
    {
        get
        {
            lock (_gate)
                return _closeReason;
        }
    }

    /// <summary>Opens a stream with our next id and queues its SYN (with the window beyond the spec's initial one).</summary>
    public YamuxStream Open()
    {
        lock (_gate)
        {
            if (_closeReason is not null)
                throw new YamuxSessionClosedException(_closeReason);
            if (_goingAway)
                throw new YamuxSessionClosedException(GoingAwayReason);
            if (_streams.Count >= _options.MaxStreams)
                throw new IOException($"too many open streams ({_options.MaxStreams})");
            if (_nextStreamId > uint.MaxValue - 2)
                throw new YamuxSessionClosedException("stream ids exhausted");
            var stream = new YamuxStream(_session, _nextStreamId, _options);
            _nextStreamId += 2;
            _streams.Add(stream.Id, stream);
            _session.SendControl(YamuxFrameType.WindowUpdate, YamuxFlags.Syn, stream.Id, (uint)(_options.InitialWindow - YamuxOptions.SpecInitialWindow));
            return stream;
        }
    }

    /// <summary>The next stream the peer opened; <see cref="YamuxSessionClosedException"/> once no more can come.</summary>
    public async Task<YamuxStream> AcceptAsync(CancellationToken ct)
    {
        try
        {
            var stream = await _accepted.Reader.ReadAsync(ct);
            Interlocked.Decrement(ref _backlog);
            return stream;
        }
        catch (ChannelClosedException)
        {
            lock (_gate)
                throw new YamuxSessionClosedException(_closeReason ?? (_goingAway ? GoingAwayReason : "session closed"));
        }
    }

    /// <summary>
    /// The stream a Data or WindowUpdate frame is for. A SYN opens an inbound stream (queued for accept, answered with
    /// ACK) or refuses it with RST (null); a frame for a stream that was closed already is null; a frame for an id
    /// the peer could not have used is a <see cref="YamuxProtocolException"/>.
    /// </summary>
    public YamuxStream? Resolve(YamuxFrameHeader header)
    {
        var id = header.StreamId;
        var ours = (id % 2 == 1) == _isClient;
        if ((header.Flags & YamuxFlags.Syn) != 0)
        {
            if (id == 0 || ours)
                throw new YamuxProtocolException($"SYN for stream {id}, which is not the peer's to open");
            return OpenInbound(id);
        }

        lock (_gate)
        {
            if (_streams.TryGetValue(id, out var stream))
                return stream;
            var seen = id != 0 && (ours ? id < _nextStreamId : id <= _lastInboundId);
            if (!seen)
                throw new YamuxProtocolException($"{header.Type} frame for unknown stream {id}");
            return null;
        }
    }

    /// <summary>
    /// Marks the session going away: no new streams either way. Our own go-away (<paramref name="local"/>) is queued
    /// here and happens once; false when it was said before or the session ended. <paramref name="empty"/>: no stream is left.
    /// </summary>
    public bool TryGoAway(bool local, out bool empty)
    {
        lock (_gate)
        {
            empty = false;
            if (local)
            {
                if (_closeReason is not null || _goingAway)
                    return false;
                _session.SendControl(YamuxFrameType.GoAway, YamuxFlags.None, 0, (uint)YamuxGoAwayCode.Normal);
            }

            _goingAway = true;
            empty = _streams.Count == 0;
        }

        _accepted.Writer.TryComplete();
        return true;
    }

    /// <summary>Takes up to <paramref name="wanted"/> bytes of the session's window growth budget; returns what was granted.</summary>
    public int ReserveWindowGrowth(int wanted)
    {
        lock (_gate)
        {
            var granted = (int)Math.Clamp(_options.MaxSessionWindowGrowth - _windowGrowth, 0, wanted);
            _windowGrowth += granted;
            return granted;
        }
    }

    /// <summary>Forgets a stream and returns its window growth; true when it was the last one of a session going away.</summary>
    public bool Remove(YamuxStream stream)
    {
        var grown = stream.WindowTarget - _options.InitialWindow; // read first: a stream takes its lock before ours, never after
        lock (_gate)
        {
            if (!_streams.Remove(stream.Id))
                return false;
            _windowGrowth -= grown;
            return _goingAway && _streams.Count == 0 && _closeReason is null;
        }
    }

    /// <summary>Ends the table once: returns the streams that were open (now forgotten), or null when it ended before.</summary>
    public List<YamuxStream>? Close(string reason)
    {
        lock (_gate)
        {
            if (_closeReason is not null)
                return null;
            _closeReason = reason;
            List<YamuxStream> streams = [.. _streams.Values];
            _streams.Clear();
            return streams;
        }
    }

    /// <summary>No more inbound streams: a pending and every later accept ends (after the queued streams).</summary>
    public void EndAccepts() => _accepted.Writer.TryComplete();

    private YamuxStream? OpenInbound(uint id)
    {
        YamuxStream stream;
        string? refusal = null;
        lock (_gate)
        {
            if (id <= _lastInboundId)
                throw new YamuxProtocolException($"duplicate SYN for stream {id}");
            _lastInboundId = id;
            if (_closeReason is not null)
                return null;
            if (_goingAway)
                refusal = "going away";
            else if (_streams.Count >= _options.MaxStreams)
                refusal = $"too many open streams ({_options.MaxStreams})";
            else if (Volatile.Read(ref _backlog) >= _options.AcceptBacklog)
                refusal = $"accept backlog full ({_options.AcceptBacklog})";
            if (refusal is not null)
            {
                _session.SendControl(YamuxFrameType.WindowUpdate, YamuxFlags.Rst, id, 0);
                stream = null!;
            }
            else
            {
                stream = new YamuxStream(_session, id, _options);
                _streams.Add(id, stream);
                _session.SendControl(YamuxFrameType.WindowUpdate, YamuxFlags.Ack, id, (uint)(_options.InitialWindow - YamuxOptions.SpecInitialWindow));
            }
        }

        if (refusal is not null)
        {
            _logger.StreamRefused(id, refusal);
            return null;
        }

        Interlocked.Increment(ref _backlog);
        _accepted.Writer.TryWrite(stream);
        return stream;
    }
}
