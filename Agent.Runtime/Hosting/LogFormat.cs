namespace Agent.Runtime.Hosting;

/// <summary>How log events are written to stderr.</summary>
public enum LogFormat
{
    /// <summary>One readable line per event.</summary>
    Human,

    /// <summary>One compact JSON object per event (Serilog's CLEF).</summary>
    Json,
}
