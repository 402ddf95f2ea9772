namespace Agent.Specs.Utilities.Leftovers;

/// <summary>A process this run started that is still running: its id, name and command line, and why it counts as ours.</summary>
public sealed record LeftoverProcess(int Id, string Name, string CommandLine, string Why)
{
    public override string ToString() => $"{Id} {Name} ({Why}): {CommandLine}";
}
