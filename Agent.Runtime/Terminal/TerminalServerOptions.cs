namespace Agent.Runtime.Terminal;

/// <summary>Bounds of the reconnecting-PTY wire protocol.</summary>
public sealed record TerminalServerOptions
{
    public static TerminalServerOptions Default { get; } = new();

    /// <summary>Largest init frame accepted (its length prefix is 16 bits, so at most 65535).</summary>
    public int MaxInitBytes { get; init; } = ushort.MaxValue;

    /// <summary>Largest single request object; a larger one ends the connection.</summary>
    public int MaxRequestBytes { get; init; } = 1 << 20;

    /// <summary>How long a new connection may take to send its init frame.</summary>
    public TimeSpan InitTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Output bytes gathered into one write to the connection.</summary>
    public int WriteBatchBytes { get; init; } = 32 << 10;

    /// <summary>How long the server waits for the peer to acknowledge its close before cutting the connection.</summary>
    public TimeSpan CloseGrace { get; init; } = TimeSpan.FromSeconds(2);

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxInitBytes, 16);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxInitBytes, ushort.MaxValue);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRequestBytes, 16);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(InitTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(WriteBatchBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(CloseGrace, TimeSpan.Zero);
    }
}
