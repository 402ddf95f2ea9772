namespace Agent.Reactive.Effects;

/// <summary>The result of <see cref="IProcessLauncher.CaptureAsync"/>.</summary>
/// <param name="ExitCode">The process's exit code (128 + n when killed by signal n).</param>
/// <param name="Output">The first bytes of the combined output.</param>
/// <param name="TotalOutputBytes">How many bytes the process wrote in all.</param>
public sealed record CommandResult(int ExitCode, ReadOnlyMemory<byte> Output, long TotalOutputBytes);
