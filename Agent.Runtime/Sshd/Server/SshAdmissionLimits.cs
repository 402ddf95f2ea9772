namespace Agent.Runtime.Sshd.Server;

/// <summary>
/// How many connections the direct SSH listeners of one server admit. Before authentication, sshd's
/// <c>MaxStartups 10:30:100</c> plus a per-source cap; after it, a bound of its own.
/// </summary>
/// <param name="StartupsBegin">Unauthenticated connections held before new ones may be dropped at random.</param>
/// <param name="StartupsRate">Drop probability (percent) just beyond <paramref name="StartupsBegin"/>; it rises linearly to 100.</param>
/// <param name="StartupsFull">Unauthenticated connections at which every new one is dropped.</param>
/// <param name="PerSource">Unauthenticated connections one source may hold (an IPv4 address, an IPv6 /64).</param>
/// <param name="MaxAuthenticated">Authenticated connections served at once.</param>
public sealed record SshAdmissionLimits(
    int StartupsBegin = 10,
    int StartupsRate = 30,
    int StartupsFull = 100,
    int PerSource = 10,
    int MaxAuthenticated = 256)
{
    /// <summary>10:30:100, 10 per source, 256 authenticated.</summary>
    public static SshAdmissionLimits Default { get; } = new();

    internal void Validate()
    {
        if (StartupsBegin < 1 || StartupsFull <= StartupsBegin || StartupsRate is < 0 or > 100 || PerSource < 1 || MaxAuthenticated < 1)
            throw new ArgumentException("SSH admission limits: need 1 <= begin < full, 0 <= rate <= 100, per-source >= 1, authenticated >= 1", nameof(StartupsBegin));
    }
}
