using System.Reactive.Concurrency;

namespace Agent.Runtime.Relay.Yamux;

/// <summary>Limits and timers of a yamux session; every value has a sane default and is validated by the session.</summary>
public sealed record YamuxOptions
{
    /// <summary>The window every yamux stream starts with (the spec's 256 KiB); the peer assumes it before any update.</summary>
    public const int SpecInitialWindow = 256 * 1024;

    /// <summary>The receive window a stream starts with (at least the spec's 256 KiB; more is announced with the SYN/ACK).</summary>
    public int InitialWindow { get; init; } = SpecInitialWindow;

    /// <summary>The receive window a stream may grow to when its reader drains it quickly.</summary>
    public int MaxWindow { get; init; } = 16 * 1024 * 1024;

    /// <summary>
    /// Receive window granted beyond every stream's initial window, summed over the session: what a peer can make us
    /// buffer is at most <c>MaxStreams × InitialWindow + MaxSessionWindowGrowth</c> (512 MiB with the defaults).
    /// </summary>
    public long MaxSessionWindowGrowth { get; init; } = 256L * 1024 * 1024;

    /// <summary>Open streams per session; a SYN beyond is answered with RST, a local open fails.</summary>
    public int MaxStreams { get; init; } = 1024;

    /// <summary>Inbound streams opened but not yet accepted; a SYN beyond is answered with RST.</summary>
    public int AcceptBacklog { get; init; } = 256;

    /// <summary>The largest data frame payload we send (we accept frames up to the receive window).</summary>
    public int MaxFramePayload { get; init; } = 256 * 1024;

    /// <summary>How often a keepalive ping is sent.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>A keepalive ping not answered within this ends the session.</summary>
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A transport write stuck this long ends the session.</summary>
    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A disposed stream whose peer has not finished (FIN) within this is reset.</summary>
    public TimeSpan StreamCloseTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Outstanding <see cref="YamuxSession.PingAsync"/> calls; beyond, a ping fails at once.</summary>
    public int MaxPendingPings { get; init; } = 64;

    /// <summary>The clock of keepalives, close timeouts and window growth (specs use virtual time).</summary>
    public IScheduler Scheduler { get; init; } = DefaultScheduler.Instance;

    /// <summary>Called per received data frame with its payload length (statistics).</summary>
    public Action<int>? DataReceived { get; init; }

    /// <summary>Called per sent data frame with its payload length (statistics).</summary>
    public Action<int>? DataSent { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> when a value is out of range.</summary>
    public void Validate()
    {
        Require(InitialWindow >= SpecInitialWindow, nameof(InitialWindow), $"must be at least {SpecInitialWindow}");
        Require(MaxWindow >= InitialWindow, nameof(MaxWindow), "must be at least InitialWindow");
        Require(MaxSessionWindowGrowth >= 0, nameof(MaxSessionWindowGrowth), "must not be negative");
        Require(MaxStreams > 0, nameof(MaxStreams), "must be positive");
        Require(AcceptBacklog > 0, nameof(AcceptBacklog), "must be positive");
        Require(MaxFramePayload is >= 1024 and <= 16 * 1024 * 1024, nameof(MaxFramePayload), "must be between 1 KiB and 16 MiB");
        Require(KeepAliveInterval > TimeSpan.Zero, nameof(KeepAliveInterval), "must be positive");
        Require(KeepAliveTimeout > TimeSpan.Zero, nameof(KeepAliveTimeout), "must be positive");
        Require(WriteTimeout > TimeSpan.Zero, nameof(WriteTimeout), "must be positive");
        Require(StreamCloseTimeout > TimeSpan.Zero, nameof(StreamCloseTimeout), "must be positive");
        Require(MaxPendingPings > 0, nameof(MaxPendingPings), "must be positive");
        ArgumentNullException.ThrowIfNull(Scheduler, nameof(Scheduler));
    }

    private static void Require(bool condition, string name, string rule)
    {
        if (!condition)
            throw new ArgumentException($"YamuxOptions.{name} {rule}", name);
    }
}
