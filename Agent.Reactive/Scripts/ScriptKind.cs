namespace Agent.Reactive.Scripts;

/// <summary>Which lifecycle script runs: the one after the first manifest, or the one when the agent closes.</summary>
public enum ScriptKind
{
    Startup,
    Shutdown,
}
