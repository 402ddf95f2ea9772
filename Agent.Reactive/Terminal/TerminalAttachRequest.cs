namespace Agent.Reactive.Terminal;

/// <summary>What a client asks for when it connects: the session, the command for a new one, its size.</summary>
/// <param name="Id">The reconnect ID; a known ID attaches, a new one starts <paramref name="Command"/>.</param>
/// <param name="Command">What a new session runs; empty starts the user's login shell.</param>
/// <param name="Columns">The client's width in cells (0: keep the current size).</param>
/// <param name="Rows">The client's height in cells (0: keep the current size).</param>
public sealed record TerminalAttachRequest(string Id, string Command, ushort Columns, ushort Rows);
