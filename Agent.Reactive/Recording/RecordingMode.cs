namespace Agent.Reactive.Recording;

/// <summary>Whether PTY sessions are recorded: the manifest's <c>session_recording</c>.</summary>
public enum RecordingMode
{
    /// <summary>Not recorded (the default, and what an old manifest without the field means).</summary>
    Off,

    /// <summary>Recorded when the control plane takes the recording; a session is never refused for it.</summary>
    On,

    /// <summary>Recorded, or not run: a session whose recording cannot start or cannot be written ends.</summary>
    Required,
}
