using Agent.Reactive.Effects;

namespace Agent.Runtime.Sshd.Session;

/// <summary>A <c>pty-req</c> (RFC 4254 section 6.2): terminal type, size in cells, decoded terminal modes.</summary>
internal sealed record PtyRequest(string Term, ushort Columns, ushort Rows, IReadOnlyList<TerminalMode> Modes);
