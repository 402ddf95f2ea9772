namespace Agent.Runtime.ControlPlane.PortProxy;

/// <summary>
/// What opens a proxy origin: one-time codes (made by the dashboard's redirect, 60 s, single use, bound to one proxy
/// host and one dashboard session) and the credentials they are exchanged for (the proxy host's own cookie, 1 h,
/// bound to the same host and session, void once that session ends). Both bounded.
/// </summary>
internal sealed class PortProxyGrants
{
    public const int MaxCodes = 1024;

    public const int MaxCredentials = 4096;

    public static readonly TimeSpan CodeLifetime = TimeSpan.FromSeconds(60);

    public static readonly TimeSpan CredentialLifetime = TimeSpan.FromHours(1);

    public PortProxyGrants(DashboardSessions sessions, TimeProvider time)
    {
        Sessions = sessions;
        Codes = new ProxyGrants(MaxCodes, CodeLifetime, time);
        Credentials = new ProxyGrants(MaxCredentials, CredentialLifetime, time);
    }

    public DashboardSessions Sessions { get; }

    public ProxyGrants Codes { get; }

    public ProxyGrants Credentials { get; }

    /// <summary>Spends <paramref name="code"/> and makes a credential for <paramref name="host"/>, or <c>null</c> when the code does not open it.</summary>
    public async Task<string?> RedeemAsync(string code, string host, CancellationToken cancellationToken)
    {
        var session = Codes.Take(code, host);
        return session is not null && await Sessions.IsActiveAsync(session, cancellationToken).ConfigureAwait(false) ? Credentials.Add(host, session) : null;
    }

    /// <summary>Whether <paramref name="credential"/> opens <paramref name="host"/> now; one whose dashboard session ended is dropped with every other of that session.</summary>
    public async Task<bool> OpensAsync(string credential, string host, CancellationToken cancellationToken)
    {
        var session = Credentials.Find(credential, host);
        if (session is null)
            return false;
        if (await Sessions.IsActiveAsync(session, cancellationToken).ConfigureAwait(false))
            return true;
        Credentials.Revoke(session);
        Codes.Revoke(session);
        return false;
    }
}
