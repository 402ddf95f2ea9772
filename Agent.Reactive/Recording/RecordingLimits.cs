namespace Agent.Reactive.Recording;

/// <summary>Bounds of one session's recording on the agent.</summary>
public sealed record RecordingLimits
{
    /// <summary>The defaults: a 1 MiB queue, 8 MiB per recording (the control plane's cap), 64 KiB chunks, 200 ms batching.</summary>
    public static RecordingLimits Default { get; } = new();

    /// <summary>Cast bytes waiting for the control plane; past it, <c>on</c> drops (and marks the gap), <c>required</c> ends the session.</summary>
    public long QueueBytes { get; init; } = 1 << 20;

    /// <summary>Cast bytes per recording; past it, <c>on</c> stops recording (with a marker), <c>required</c> ends the session.</summary>
    public long MaxBytes { get; init; } = 8 << 20;

    /// <summary>Lines are sent in chunks of about this many bytes (a longer line goes alone).</summary>
    public int ChunkBytes { get; init; } = 64 << 10;

    /// <summary>Lines are batched until this long passes without new ones (or 256 arrived).</summary>
    public TimeSpan Quiet { get; init; } = TimeSpan.FromMilliseconds(200);

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(QueueBytes, 1024);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBytes, 1024);
        ArgumentOutOfRangeException.ThrowIfLessThan(ChunkBytes, 1024);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Quiet, TimeSpan.Zero);
    }
}
