namespace Agent.Reactive.Monitoring;

/// <summary>A session recording ended: its session ended, or it could not be written any more.</summary>
/// <param name="At">When.</param>
/// <param name="Id">The recording's ID at the control plane.</param>
/// <param name="Bytes">Cast bytes the control plane took.</param>
/// <param name="DroppedBytes">Cast bytes dropped (slow control plane, or the recording's cap).</param>
/// <param name="Failure">Why it could not be written to its end; <c>null</c> when it was.</param>
public sealed record RecordingEnded(DateTimeOffset At, string Id, long Bytes, long DroppedBytes, string? Failure) : AgentEvent(At);
