using Agent.Runtime.Ssh.Algorithms.Ciphers;

namespace Agent.Runtime.Ssh.Transport;

/// <summary>
/// Where one connection's key exchanges stand: the first exchange's session id and what it settled (strict mode,
/// <c>ext-info</c>), the exchange in progress, and the counters that bound re-keys. The send side
/// (<see cref="InProgress"/>, <see cref="Gate"/>, <see cref="ServerKexInit"/>) changes under the transport's write
/// lock only; the receive side (<see cref="ClientKexInit"/> and what follows from it) in its read loop only.
/// </summary>
internal sealed class KeyExchangeState
{
    private long _lastCompleted;
    private int _authenticated;

    public KeyExchangeState(long now)
    {
        _lastCompleted = now;
        Gate.SetResult();
    }

    /// <summary>The exchange hash of the first key exchange; <c>null</c> until it completes.</summary>
    public byte[]? SessionId { get; set; }

    /// <summary>Strict key exchange (<c>kex-strict-c-v00@openssh.com</c>, the Terrapin fix), settled by the first KEXINIT.</summary>
    public bool Strict { get; set; }

    /// <summary>Whether the client asked for <c>ext-info</c> in its first KEXINIT.</summary>
    public bool ClientWantsExtInfo { get; set; }

    /// <summary>Whether the first key exchange finished (the client's NEWKEYS arrived).</summary>
    public bool InitialDone { get; set; }

    /// <summary>Packets the client sent before its first KEXINIT (none allowed in strict mode).</summary>
    public int PacketsBeforeFirstKexInit { get; set; }

    /// <summary>Re-keys the client started before authentication.</summary>
    public int RekeysBeforeAuthentication { get; set; }

    /// <summary>Whether user authentication succeeded: our own re-keys are allowed from then on.</summary>
    public bool Authenticated
    {
        get => Volatile.Read(ref _authenticated) != 0;
        set => Volatile.Write(ref _authenticated, value ? 1 : 0);
    }

    /// <summary>When the latest key exchange completed (a timestamp of the transport's clock).</summary>
    public long LastCompleted => Volatile.Read(ref _lastCompleted);

    /// <summary>Whether our KEXINIT is out and the exchange has not finished on our side; sends wait meanwhile.</summary>
    public bool InProgress { get; private set; }

    /// <summary>Completed while no key exchange holds the sends back.</summary>
    public TaskCompletionSource Gate { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Our KEXINIT of the exchange in progress.</summary>
    public KexInitMessage? ServerKexInit { get; private set; }

    /// <summary>The client's KEXINIT of the exchange in progress.</summary>
    public KexInitMessage? ClientKexInit { get; private set; }

    /// <summary>The algorithms of the exchange in progress.</summary>
    public NegotiatedAlgorithms? Negotiated { get; private set; }

    /// <summary>The keys the client switches to with its NEWKEYS.</summary>
    public IPacketProtection? PendingReceiveProtection { get; set; }

    /// <summary>Whether the client's guessed key exchange packet is wrong and must be ignored.</summary>
    public bool IgnoreGuessedPacket { get; set; }

    /// <summary>Whether neither side has started an exchange.</summary>
    public bool Idle => ClientKexInit is null && ServerKexInit is null;

    /// <summary>Our KEXINIT is going out: sends wait until <see cref="EndSend"/>.</summary>
    public void BeginSend(KexInitMessage server)
    {
        Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        InProgress = true;
        ServerKexInit = server;
    }

    /// <summary>Our NEWKEYS went out: sends go on with the new keys.</summary>
    public void EndSend()
    {
        ServerKexInit = null;
        InProgress = false;
        Gate.TrySetResult();
    }

    /// <summary>The client's KEXINIT arrived and the algorithms are agreed.</summary>
    public void BeginReceive(KexInitMessage client, NegotiatedAlgorithms negotiated, bool ignoreGuessedPacket)
    {
        ClientKexInit = client;
        Negotiated = negotiated;
        IgnoreGuessedPacket = ignoreGuessedPacket;
    }

    /// <summary>The client's NEWKEYS arrived at <paramref name="now"/>: the exchange is over.</summary>
    public void EndReceive(long now)
    {
        ClientKexInit = null;
        Negotiated = null;
        IgnoreGuessedPacket = false;
        InitialDone = true;
        Volatile.Write(ref _lastCompleted, now);
    }

    /// <summary>The connection closed: nothing waits for an exchange any more.</summary>
    public void Release() => Gate.TrySetResult();
}
