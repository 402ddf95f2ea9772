using System.Buffers;

namespace Agent.Runtime.Relay.Yamux;

/// <summary>
/// The frames waiting for the writer loop, in two batches: producers add frames to the fill batch while the writer
/// loop writes the other one to the transport (coalescing many frames into one write). A batch's buffer is pooled,
/// rented when a frame comes and grown as frames follow, and goes back to the pool once the outbox is empty again,
/// so a quiet session (an idle agent's relay) holds none. Small data
/// payloads are copied in; large ones (at least <see cref="ZeroCopyThreshold"/>) are written by the writer loop
/// straight from the caller's memory, in order with the rest, and the caller waits until they are on the wire
/// (no copy, like a plain socket write). Data frames wait while the fill batch is full (bounded); control frames
/// use a reserve beyond it, and overflowing the reserve (a peer that stops reading while sending us pings and
/// updates) is reported so the session ends.
/// </summary>
internal sealed class YamuxOutbox
{
    /// <summary>
    /// Payloads from this size on are not copied. Below it a copy is cheaper than what it saves: writers like the SSH
    /// server (32 KiB packets) return at once and their frames coalesce into one transport write, which cut the
    /// relay's CPU for `ssh` through it by a quarter (bench/relay-throughput.sh).
    /// </summary>
    public const int ZeroCopyThreshold = 64 * 1024;

    private const int ControlReserve = 64 * 1024;
    private const int MaxSlots = 32;
    private readonly Lock _gate = new();
    private readonly int _dataCapacity;
    private readonly YamuxSignal _writerSignal;
    private Batch? _fill;
    private Batch? _spare;
    private TaskCompletionSource? _spaceAvailable;
    private string? _closedReason;
    private bool _draining;
    private bool _transportBusy;

    public YamuxOutbox(int maxFramePayload)
    {
        _dataCapacity = Math.Max(1024 * 1024, 2 * (maxFramePayload + YamuxFrameHeader.Size));
        _fill = new Batch(_dataCapacity + ControlReserve);
        _spare = new Batch(_dataCapacity + ControlReserve);
        _writerSignal = new YamuxSignal(_gate);
    }

    /// <summary>Bytes of pooled buffer the batches hold now (0 while the session is quiet).</summary>
    public int HeldBufferBytes
    {
        get
        {
            lock (_gate)
                return (_fill?.Buffer.Length ?? 0) + (_spare?.Buffer.Length ?? 0);
        }
    }

    /// <summary>
    /// Queues a data frame, waiting while the queue is full; a small payload is copied and the call returns once
    /// queued, a large one (at least <see cref="ZeroCopyThreshold"/>) returns once written (<paramref name="written"/>
    /// is the caller's own signal, armed here). Throws once the session ended.
    /// </summary>
    public ValueTask AppendDataAsync(uint streamId, ReadOnlyMemory<byte> payload, YamuxSignal written, CancellationToken cancellationToken)
        => TryAppendData(streamId, payload, written, out var wait, out var sent) ? sent : AppendDataSlowAsync(streamId, payload, written, wait, cancellationToken);

    /// <summary>
    /// True when nothing is queued and nobody writes: the caller may then write its data frame to the transport
    /// itself (no queueing, no thread hop) and must call <see cref="EndInline"/> after. Throws once the session ended.
    /// </summary>
    public bool TryBeginInline()
    {
        lock (_gate)
        {
            if (_closedReason is not null || _fill is null)
                throw new YamuxSessionClosedException(_closedReason ?? "session ended");
            if (_transportBusy || _fill.Length > 0)
                return false;
            _transportBusy = true;
            return true;
        }
    }

    /// <summary>The inline write is over; frames queued meanwhile go to the writer loop.</summary>
    public void EndInline()
    {
        bool wake;
        lock (_gate)
        {
            _transportBusy = false;
            wake = _fill is not null && _fill.Length > 0 && _writerSignal.Disarm();
        }

        if (wake)
            _writerSignal.Release();
    }

    /// <summary>Queues a header-only frame; false when the control reserve overflowed (the session must end). Ignored after the end.</summary>
    public bool TryAppendControl(YamuxFrameType type, YamuxFlags flags, uint streamId, uint length)
    {
        bool wake;
        lock (_gate)
        {
            if (_closedReason is not null || _fill is null)
                return true;
            if (!_fill.TryReserve(YamuxFrameHeader.Size))
                return false;
            YamuxFrameHeader.Write(_fill.Free, type, flags, streamId, length);
            _fill.Advance(YamuxFrameHeader.Size);
            wake = _writerSignal.Disarm();
        }

        if (wake)
            _writerSignal.Release();
        return true;
    }

    /// <summary>
    /// The writer loop: the next batch to write, or null once closed (after the queued frames when draining).
    /// The batch goes back with <see cref="ReturnBatch"/>.
    /// </summary>
    public async ValueTask<Batch?> TakeBatchAsync()
    {
        while (true)
        {
            ValueTask wait = default;
            TaskCompletionSource? space = null;
            Batch? batch = null;
            lock (_gate)
            {
                if (_fill is null || (_closedReason is not null && (!_draining || _fill.Length == 0)))
                    return null;
                if (_fill.Length == 0 || _spare is null || _transportBusy)
                {
                    wait = _writerSignal.Arm(CancellationToken.None);
                }
                else
                {
                    batch = _fill;
                    _transportBusy = true;
                    _fill = _spare;
                    _spare = null;
                    space = _spaceAvailable;
                    _spaceAvailable = null;
                }
            }

            if (batch is not null)
            {
                space?.TrySetResult();
                return batch;
            }

            await wait;
        }
    }

    public void ReturnBatch(Batch batch)
    {
        batch.ReleaseSlots();
        bool wake;
        lock (_gate)
        {
            if (_fill is null)
            {
                batch.ReturnBuffer();
                return;
            }

            if (_fill.Length == 0)
            {
                // Nothing more to write: the session is quiet, its buffers go back to the pool until the next frame.
                batch.ReturnBuffer();
                _fill.ReturnBuffer();
            }

            _spare = batch;
            _transportBusy = false;
            wake = _fill.Length > 0 && _writerSignal.Disarm();
        }

        if (wake)
            _writerSignal.Release();
    }

    /// <summary>No more frames are accepted; with <paramref name="drain"/> the writer loop still writes what is queued.</summary>
    public void Close(string reason, bool drain)
    {
        bool wake;
        TaskCompletionSource? space;
        lock (_gate)
        {
            if (_closedReason is not null)
                return;
            _closedReason = reason;
            _draining = drain;
            wake = _writerSignal.Disarm();
            space = _spaceAvailable;
            _spaceAvailable = null;
        }

        if (wake)
            _writerSignal.Release();
        space?.TrySetResult();
    }

    /// <summary>Returns the pooled buffers and wakes writers of unsent payloads (after the writer loop ended).</summary>
    public void Release()
    {
        Batch? fill;
        Batch? spare;
        lock (_gate)
        {
            _closedReason ??= "session ended";
            fill = _fill;
            spare = _spare;
            _fill = null;
            _spare = null;
        }

        foreach (var batch in new[] { fill, spare })
        {
            if (batch is null)
                continue;
            batch.ReleaseSlots();
            batch.ReturnBuffer();
        }
    }

    private bool TryAppendData(uint streamId, ReadOnlyMemory<byte> payload, YamuxSignal written, out Task? wait, out ValueTask sent)
    {
        bool wake;
        lock (_gate)
        {
            if (_closedReason is not null || _fill is null)
                throw new YamuxSessionClosedException(_closedReason ?? "session ended");
            var zeroCopy = payload.Length >= ZeroCopyThreshold;
            if (_fill.Length + YamuxFrameHeader.Size + payload.Length > _dataCapacity || (zeroCopy && _fill.SlotCount == MaxSlots))
            {
                _spaceAvailable ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = _spaceAvailable.Task;
                sent = default;
                return false;
            }

            var copied = zeroCopy ? 0 : payload.Length;
            _fill.TryReserve(YamuxFrameHeader.Size + copied); // within the capacity checked above, below the batch's limit
            YamuxFrameHeader.Write(_fill.Free, YamuxFrameType.Data, YamuxFlags.None, streamId, (uint)payload.Length);
            _fill.Advance(YamuxFrameHeader.Size);
            if (zeroCopy)
            {
                // The payload counts against the capacity (bounded bytes in flight) without being copied.
                _fill.AddSlot(payload, written);
                sent = written.Arm(CancellationToken.None);
            }
            else
            {
                payload.Span.CopyTo(_fill.Free);
                _fill.Advance(payload.Length);
                sent = ValueTask.CompletedTask;
            }

            wake = _writerSignal.Disarm();
        }

        if (wake)
            _writerSignal.Release();
        wait = null;
        return true;
    }

    private async ValueTask AppendDataSlowAsync(uint streamId, ReadOnlyMemory<byte> payload, YamuxSignal written, Task? wait, CancellationToken cancellationToken)
    {
        while (wait is not null)
        {
            await wait.WaitAsync(cancellationToken);
            if (TryAppendData(streamId, payload, written, out wait, out var sent))
            {
                await sent;
                return;
            }
        }
    }

    /// <summary>A large payload written after the first <see cref="Offset"/> bytes of the batch buffer not yet written.</summary>
    internal readonly record struct Slot(int Offset, ReadOnlyMemory<byte> Payload, YamuxSignal? Written);

    /// <summary>
    /// A pooled buffer of frames plus the large payloads that go between them (at their offsets). The buffer is rented
    /// with the first frame, as large as the last batch filled (at least <see cref="InitialBufferBytes"/>: a stream
    /// sending in bulk does not grow it again each time), and doubled as frames need, up to the batch's limit.
    /// </summary>
    internal sealed class Batch
    {
        public const int InitialBufferBytes = 4 * 1024;

        private readonly Slot[] _slots = new Slot[MaxSlots];
        private readonly int _maxBufferBytes;
        private int _slotBytes;
        private int _lastFilled;

        public Batch(int maxBufferBytes)
        {
            _maxBufferBytes = maxBufferBytes;
        }

        /// <summary>The frames (the first <see cref="BufferLength"/> bytes); empty while the batch holds no buffer.</summary>
        public byte[] Buffer { get; private set; } = [];

        /// <summary>The buffer after <see cref="BufferLength"/>, where the next frame goes.</summary>
        public Span<byte> Free => Buffer.AsSpan(BufferLength);

        /// <summary>Bytes of frames in <see cref="Buffer"/> plus large payloads (the part counted against the capacity).</summary>
        public int Length => BufferLength + _slotBytes;

        /// <summary>Bytes used in <see cref="Buffer"/>.</summary>
        public int BufferLength { get; private set; }

        public int SlotCount { get; private set; }

        public Slot this[int index] => _slots[index];

        public void Advance(int count) => BufferLength += count;

        /// <summary>Makes room for <paramref name="count"/> more bytes in <see cref="Buffer"/>; false beyond the batch's limit.</summary>
        public bool TryReserve(int count)
        {
            var needed = BufferLength + count;
            if (needed > _maxBufferBytes)
                return false;
            if (needed > Buffer.Length)
            {
                var size = Math.Max(needed, Buffer.Length == 0 ? Math.Max(InitialBufferBytes, _lastFilled) : Buffer.Length * 2);
                var grown = ArrayPool<byte>.Shared.Rent(Math.Min(_maxBufferBytes, size));
                Buffer.AsSpan(0, BufferLength).CopyTo(grown);
                ReturnBuffer();
                Buffer = grown;
            }

            return true;
        }

        /// <summary>Gives the buffer back to the pool (the batch must hold no frames).</summary>
        public void ReturnBuffer()
        {
            if (Buffer.Length > 0)
                ArrayPool<byte>.Shared.Return(Buffer);
            Buffer = [];
        }

        public void AddSlot(ReadOnlyMemory<byte> payload, YamuxSignal written)
        {
            _slots[SlotCount++] = new Slot(BufferLength, payload, written);
            _slotBytes += payload.Length;
        }

        /// <summary>Wakes the writer of slot <paramref name="index"/> (its payload was written, or never will be).</summary>
        public void ReleaseSlot(int index)
        {
            var written = _slots[index].Written;
            _slots[index] = default;
            written?.ReleaseUnguarded();
        }

        public void ReleaseSlots()
        {
            for (var i = 0; i < SlotCount; i++)
                ReleaseSlot(i);
            if (BufferLength > 0)
                _lastFilled = BufferLength;
            SlotCount = 0;
            _slotBytes = 0;
            BufferLength = 0;
        }
    }
}
