namespace Agent.Runtime.Os.Processes;

/// <summary>
/// What every child the agent starts gets before its program runs: <paramref name="OomScoreAdj"/> and
/// <paramref name="Nice"/>, set by <paramref name="Launcher"/> (this agent's own executable, or the dotnet host and the
/// dll) run as <c>agent-exec</c> (<see cref="PriorityExec"/>), which then execs the program in place.
/// </summary>
internal sealed record ChildPriority(IReadOnlyList<string> Launcher, int OomScoreAdj, int Nice);
