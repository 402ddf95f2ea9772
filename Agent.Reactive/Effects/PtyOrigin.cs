namespace Agent.Reactive.Effects;

/// <summary>Whose session a pseudo-terminal is, as a session recording names it.</summary>
/// <param name="Kind"><c>ssh</c> (an SSH session with a PTY) or <c>terminal</c> (the web terminal).</param>
/// <param name="Who">Who runs it, as the agent knows: the SSH user and the client's address, or the terminal's reconnect ID.</param>
public sealed record PtyOrigin(string Kind, string Who);
