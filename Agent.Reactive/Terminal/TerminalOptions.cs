namespace Agent.Reactive.Terminal;

/// <summary>Settings of the reconnecting terminals, every default in one place.</summary>
public sealed record TerminalOptions
{
    public static TerminalOptions Default { get; } = new();

    /// <summary>How long a terminal lives after its last client left (Coder's <c>ReconnectingPTYTimeout</c>).</summary>
    public TimeSpan InactivityTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Bytes of output kept for a client that attaches (Coder: 64 KiB).</summary>
    public int ReplayBytes { get; init; } = 64 << 10;

    /// <summary>Bytes a client may fall behind before it is disconnected (it can reconnect and replay).</summary>
    public int ClientBacklogBytes { get; init; } = 4 << 20;

    /// <summary>Terminals alive at once; attaching a new ID beyond it fails.</summary>
    public int MaxSessions { get; init; } = 64;

    /// <summary>Clients attached to one terminal at once; attaching beyond it fails.</summary>
    public int MaxClientsPerSession { get; init; } = 64;

    /// <summary>Throws when a value is out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(InactivityTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(ReplayBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(ClientBacklogBytes, ReplayBytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxSessions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxClientsPerSession, 1);
    }
}
