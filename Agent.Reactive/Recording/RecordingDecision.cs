using Agent.Reactive.Effects;

namespace Agent.Reactive.Recording;

/// <summary>What <see cref="SessionRecorder.Begin"/> decided for a session.</summary>
/// <param name="Origin">The session's kind and who runs it.</param>
/// <param name="Recording">Its recording, when it is recorded.</param>
/// <param name="Refusal">Why it may not run (recording required and impossible); <c>null</c> when it may.</param>
public sealed record RecordingDecision(PtyOrigin? Origin, SessionRecording? Recording, string? Refusal)
{
    /// <summary>The session runs unrecorded.</summary>
    public static RecordingDecision NotRecorded { get; } = new(null, null, null);

    /// <summary>The session may not run, for <paramref name="reason"/>.</summary>
    public static RecordingDecision Refused(PtyOrigin origin, string reason) => new(origin, null, reason);
}
