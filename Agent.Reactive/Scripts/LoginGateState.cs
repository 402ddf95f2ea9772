namespace Agent.Reactive.Scripts;

/// <summary>
/// Whether SSH and terminal sessions may start: <see cref="IsOpen"/>, and when they were let in without every blocking
/// script having succeeded, the <see cref="Notice"/> a terminal session shows.
/// </summary>
public sealed record LoginGateState(bool IsOpen, string? Notice)
{
    /// <summary>No script blocks.</summary>
    public static readonly LoginGateState Open = new(true, null);

    /// <summary>Blocking scripts are running.</summary>
    public static readonly LoginGateState Waiting = new(false, null);
}
