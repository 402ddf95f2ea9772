using Microsoft.Extensions.Logging;

namespace Agent.Specs.Runtime.ControlPlane;

/// <summary>One entry kept by <see cref="CapturingLoggerProvider"/>; <see cref="Line"/> is level, category, message and exception.</summary>
internal readonly record struct CapturedLog(LogLevel Level, EventId EventId, string Category, string Line);
