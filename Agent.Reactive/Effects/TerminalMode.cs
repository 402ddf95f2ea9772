namespace Agent.Reactive.Effects;

/// <summary>
/// One encoded terminal mode (RFC 4254 section 8): an opcode (1–159, e.g. 3 is VERASE, 53 is ECHO, 128 and 129 are
/// the input and output speeds) and its argument. Whatever starts the terminal sets them before the process runs.
/// </summary>
/// <param name="Opcode">The RFC 4254 opcode.</param>
/// <param name="Value">Its argument: a character (255 disables it), a flag (0 clears, anything else sets) or a speed in baud.</param>
public readonly record struct TerminalMode(byte Opcode, uint Value);
