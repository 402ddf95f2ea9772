namespace Agent.Reactive.Recording;

/// <summary>The session a recording is of.</summary>
/// <param name="Kind"><c>ssh</c> or <c>terminal</c>.</param>
/// <param name="Who">Who runs it, as the agent knows.</param>
/// <param name="Header">The cast's header.</param>
public sealed record RecordingOrigin(string Kind, string Who, AsciicastHeader Header);
