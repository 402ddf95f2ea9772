namespace Agent.Runtime.ControlPlane;

/// <summary>How much of a workspace's session recordings the control plane keeps: a hostile agent cannot fill its disk.</summary>
public sealed record RecordingCaps
{
    /// <summary>50 recordings per agent, 8 MiB each (so at most 400 MiB per agent), chunks of at most 1 MiB.</summary>
    public static RecordingCaps Default { get; } = new();

    /// <summary>Recordings kept per agent; a new one drops the oldest beyond it.</summary>
    public int PerAgent { get; init; } = 50;

    /// <summary>Bytes of cast per recording; a chunk that would pass it is refused with 413.</summary>
    public long MaxBytes { get; init; } = 8 << 20;

    /// <summary>Bytes of one chunk request's body; a larger one is refused with 413.</summary>
    public long MaxChunkBytes { get; init; } = 1 << 20;

    /// <summary>Characters of the <c>who</c> field kept.</summary>
    public int MaxWhoLength { get; init; } = 256;
}
