namespace Agent.Specs.Fakes.Scripts;

/// <summary>How a script of <see cref="ScriptTableLauncher"/> behaves: it exits with <paramref name="ExitCode"/> after <paramref name="ExitAfter"/>.</summary>
public sealed record ScriptBehaviour(TimeSpan ExitAfter, int ExitCode = 0);
