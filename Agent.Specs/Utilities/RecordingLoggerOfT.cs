using Microsoft.Extensions.Logging;

namespace Agent.Specs.Utilities;

/// <summary>A <see cref="RecordingLogger"/> for code that asks for a typed <see cref="ILogger{TCategoryName}"/>.</summary>
public sealed class RecordingLogger<TCategory> : RecordingLogger, ILogger<TCategory>;
