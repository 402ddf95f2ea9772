using System.Net;
using Agent.Runtime.Net;

namespace Agent.Runtime.Sshd.Server;

/// <summary>
/// Connection slots of the direct SSH listeners of one server. A new connection takes an unauthenticated slot:
/// at most <see cref="SshAdmissionLimits.PerSource"/> per source (a connection refused there counts nowhere),
/// and once more than <see cref="SshAdmissionLimits.StartupsBegin"/> are held in all, a new one is dropped at
/// random with a probability rising linearly from <see cref="SshAdmissionLimits.StartupsRate"/> % to 100 % at
/// <see cref="SshAdmissionLimits.StartupsFull"/> (sshd's <c>MaxStartups</c>, which starts dropping at
/// <c>begin</c> itself: one later here, so that one source at its own cap never pushes others into the drop).
/// Authentication moves the connection to an authenticated slot (<see cref="SshAdmissionLimits.MaxAuthenticated"/>).
/// Thread-safe. Connections through the relay are not admitted here: the control plane authenticated them and the
/// relay bounds its own streams.
/// </summary>
public sealed class SshAdmission
{
    private readonly Lock _gate = new();
    private readonly SourceCounts _perSource = new();
    private readonly Random _random;
    private int _unauthenticated;
    private int _authenticated;

    /// <param name="limits">The bounds; <see cref="SshAdmissionLimits.Default"/> when <c>null</c>.</param>
    /// <param name="random">The source of the early-drop decisions (a seeded or scripted one in specs).</param>
    public SshAdmission(SshAdmissionLimits? limits = null, Random? random = null)
    {
        Limits = limits ?? SshAdmissionLimits.Default;
        Limits.Validate();
        _random = random ?? Random.Shared;
    }

    public SshAdmissionLimits Limits { get; }

    /// <summary>Connections admitted and not yet authenticated.</summary>
    public int Unauthenticated
    {
        get
        {
            lock (_gate)
                return _unauthenticated;
        }
    }

    /// <summary>Authenticated connections.</summary>
    public int Authenticated
    {
        get
        {
            lock (_gate)
                return _authenticated;
        }
    }

    /// <summary>A slot for a new connection from <paramref name="remote"/>, or <c>null</c> with the reason.</summary>
    public SshAdmissionLease? TryAdmit(EndPoint? remote, out SshAdmissionRefusal refusal)
    {
        var source = SourceCounts.SourceOf(remote);
        lock (_gate)
        {
            refusal = Decide(source);
            if (refusal != SshAdmissionRefusal.None)
                return null;
            _unauthenticated++;
            _perSource.Add(source);
            return new SshAdmissionLease(this, source);
        }
    }

    /// <summary>Moves a slot to the authenticated ones; false (and the slot released) when they are all taken.</summary>
    internal bool Promote(IPAddress source)
    {
        lock (_gate)
        {
            ReleaseUnauthenticated(source);
            if (_authenticated >= Limits.MaxAuthenticated)
                return false;
            _authenticated++;
            return true;
        }
    }

    internal void Release(IPAddress source, bool authenticated)
    {
        lock (_gate)
        {
            if (authenticated)
                _authenticated--;
            else
                ReleaseUnauthenticated(source);
        }
    }

    private SshAdmissionRefusal Decide(IPAddress source)
    {
        if (_authenticated >= Limits.MaxAuthenticated)
            return SshAdmissionRefusal.AuthenticatedFull;
        if (_perSource.Held(source) >= Limits.PerSource)
            return SshAdmissionRefusal.PerSource;
        if (_unauthenticated >= Limits.StartupsFull)
            return SshAdmissionRefusal.StartupsFull;
        if (_unauthenticated <= Limits.StartupsBegin)
            return SshAdmissionRefusal.None;

        // sshd's should_drop_connection, in integers as sshd computes it.
        var percent = Limits.StartupsRate
            + ((100 - Limits.StartupsRate) * (_unauthenticated - Limits.StartupsBegin) / (Limits.StartupsFull - Limits.StartupsBegin));
        return _random.Next(100) < percent ? SshAdmissionRefusal.RandomEarlyDrop : SshAdmissionRefusal.None;
    }

    private void ReleaseUnauthenticated(IPAddress source)
    {
        _unauthenticated--;
        _perSource.Remove(source);
    }
}
