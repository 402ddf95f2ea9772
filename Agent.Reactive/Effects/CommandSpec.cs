namespace Agent.Reactive.Effects;

/// <summary>What to run: a script for the login shell's <c>-c</c>, where, with which extra environment.</summary>
/// <param name="Script">The script text passed to <c>$SHELL -c</c>.</param>
/// <param name="WorkingDirectory">Directory to run in; <c>null</c> or missing means the home directory.</param>
/// <param name="Environment">Variables on top of the agent's own environment (later entries win).</param>
/// <param name="OutputFile">When set, the output is also written to this file (truncated first, mode 0600).</param>
public sealed record CommandSpec(
    string Script,
    string? WorkingDirectory,
    IReadOnlyList<KeyValuePair<string, string>> Environment,
    string? OutputFile = null)
{
    /// <summary>Lines longer than this (in bytes) are split into several lines.</summary>
    public const int MaxLineLength = 64 * 1024;
}
