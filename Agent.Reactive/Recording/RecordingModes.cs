namespace Agent.Reactive.Recording;

/// <summary>Reads the manifest's <c>session_recording</c> value.</summary>
public static class RecordingModes
{
    public const string Off = "off";
    public const string On = "on";
    public const string Required = "required";

    /// <summary>
    /// <c>"off"</c> (or missing, or empty), <c>"on"</c>, <c>"required"</c>, case-insensitively. Any other value is read
    /// as <see cref="RecordingMode.Required"/>: a misspelt setting fails closed (sessions are recorded, or refused),
    /// never open.
    /// </summary>
    public static RecordingMode Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or Off => RecordingMode.Off,
        On => RecordingMode.On,
        _ => RecordingMode.Required,
    };
}
