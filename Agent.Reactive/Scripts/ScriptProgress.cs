namespace Agent.Reactive.Scripts;

/// <summary>What a run of a script produces: <see cref="TimedOut"/> while it runs past its timeout, then how it ended.</summary>
public enum ScriptProgress
{
    TimedOut,
    Succeeded,
    Failed,
}
