namespace Agent.Reactive.Effects;

/// <summary>What to start on a pseudo-terminal.</summary>
/// <param name="Command">Script for the user's login shell <c>-c</c>; empty starts the login shell itself (<c>-l</c>).</param>
/// <param name="WorkingDirectory">Directory to start in; <c>null</c> or missing means the home directory.</param>
/// <param name="Environment">Variables on top of the agent's own environment (later entries win); include <c>TERM</c>.</param>
/// <param name="Columns">Initial width in character cells.</param>
/// <param name="Rows">Initial height in character cells.</param>
/// <param name="TerminalNameVariable">
/// When set, the process also gets this variable with its terminal's path (<c>SSH_TTY</c> for SSH sessions),
/// which is known only once the terminal is open.
/// </param>
/// <param name="Modes">Terminal modes applied (in order) before the process starts, e.g. a client's <c>pty-req</c>; <c>null</c> keeps the system's defaults.</param>
/// <param name="Origin">What kind of session it is and who runs it (for its recording); <c>null</c> when unknown.</param>
public sealed record PtySpec(
    string Command,
    string? WorkingDirectory,
    IReadOnlyList<KeyValuePair<string, string>> Environment,
    ushort Columns,
    ushort Rows,
    string? TerminalNameVariable = null,
    IReadOnlyList<TerminalMode>? Modes = null,
    PtyOrigin? Origin = null);
