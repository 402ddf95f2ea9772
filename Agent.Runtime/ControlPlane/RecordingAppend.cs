namespace Agent.Runtime.ControlPlane;

/// <summary>What became of a chunk given to <see cref="IRecordingStore.AppendAsync"/>.</summary>
public enum RecordingAppend
{
    /// <summary>Kept.</summary>
    Appended,

    /// <summary>The agent has no such recording (never had, or it was dropped as the oldest).</summary>
    NotFound,

    /// <summary>The recording ended already.</summary>
    Ended,

    /// <summary>It would pass <see cref="RecordingCaps.MaxBytes"/>: not kept.</summary>
    Full,
}
