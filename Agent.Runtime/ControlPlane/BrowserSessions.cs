using Agent.Runtime.Net;
using Microsoft.AspNetCore.Http;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// The dashboard's sign-ins: a user token exchanged once (<c>/login?token=…</c>) for a random session id that travels
/// only in the <see cref="CookieName"/> cookie (<c>HttpOnly</c>, <c>SameSite=Strict</c>). Only the id's SHA-256 is kept,
/// for <see cref="Lifetime"/>, at most <see cref="Capacity"/> at once (the oldest goes first), in memory and, when there
/// is one, in the database (<see cref="IBrowserSessionStore"/>): then every replica knows the session, a restart keeps
/// it, and a sign-out anywhere ends it everywhere within <see cref="Recheck"/>. A session counts only while the user
/// token it was made from is still a user token of the workspace file.
/// </summary>
internal sealed class BrowserSessions
{
    /// <summary>The dashboard's cookie.</summary>
    public const string CookieName = "agent_session";

    /// <summary>How many sessions are kept at most; a sign-in beyond it ends the oldest.</summary>
    public const int DefaultCapacity = 4096;

    private readonly Dictionary<string, Entry> _sessions = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly TimeProvider _clock;
    private readonly IBrowserSessionStore? _store;
    private readonly Func<string, string?> _userTokenOfDigest;
    private long _revocations;

    /// <param name="clock">When sessions end.</param>
    /// <param name="store">The database's sessions, or <c>null</c> to keep them in this process only.</param>
    /// <param name="userTokenOfDigest">The user token whose <see cref="BearerSecrets.Digest"/> is given, or <c>null</c> when it is none any more.</param>
    /// <param name="capacity">How many sessions are kept at most.</param>
    public BrowserSessions(TimeProvider clock, IBrowserSessionStore? store, Func<string, string?> userTokenOfDigest, int capacity = DefaultCapacity)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(userTokenOfDigest);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _clock = clock;
        _store = store;
        _userTokenOfDigest = userTokenOfDigest;
        Capacity = capacity;
        Refusals = new LogThrottle(TimeSpan.FromSeconds(10), clock);
    }

    /// <summary>How long a sign-in lasts.</summary>
    public static TimeSpan Lifetime { get; } = TimeSpan.FromHours(12);

    /// <summary>How long a session found in the database is trusted from memory before it is read again.</summary>
    public static TimeSpan Recheck { get; } = TimeSpan.FromSeconds(5);

    public int Capacity { get; }

    /// <summary>Refused cookie requests and sign-ins log at most one line per interval.</summary>
    public LogThrottle Refusals { get; }

    /// <summary>How many sessions this process holds in memory now, expired ones included until they are next looked at.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
                return _sessions.Count;
        }
    }

    /// <summary>The session id in <paramref name="request"/>'s cookie, or <c>null</c>.</summary>
    public static string? CookieValue(HttpRequest request)
        => request.Cookies.TryGetValue(CookieName, out var value) && !string.IsNullOrEmpty(value) ? value : null;

    /// <summary>Starts a session for <paramref name="userToken"/> (already checked) and returns its id (256 bits, base64url).</summary>
    /// <exception cref="IOException">The database could not keep it; nothing was started.</exception>
    public async Task<string> CreateAsync(string userToken, CancellationToken cancellationToken)
    {
        var id = BearerSecrets.New();
        var now = _clock.GetUtcNow();
        var record = new BrowserSessionRecord(BearerSecrets.Digest(id), BearerSecrets.Digest(userToken), now, now + Lifetime);
        if (_store is not null)
            await _store.SaveAsync(record, Capacity, cancellationToken).ConfigureAwait(false);
        Remember(record.IdDigest, new Entry(userToken, record.ExpiresAt, now), revocations: null);
        return id;
    }

    /// <summary>
    /// The user token behind the live session <paramref name="id"/>, or <c>null</c> (unknown, ended, expired, or made
    /// from a token that is no user token any more). While the database cannot be read, what this process knows holds.
    /// </summary>
    public Task<string?> FindUserTokenAsync(string? id, CancellationToken cancellationToken)
        => BearerSecrets.IsWellFormed(id)
            ? FindUserTokenByDigestAsync(BearerSecrets.Digest(id), cancellationToken)
            : Task.FromResult<string?>(null); // no sign-in made it: refused before it costs a read of the database

    /// <summary>
    /// <see cref="FindUserTokenAsync"/> by the session id's <see cref="BearerSecrets.Digest"/>, for what keeps only
    /// that (the port proxy's credentials).
    /// </summary>
    public async Task<string?> FindUserTokenByDigestAsync(string key, CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        Entry? known;
        lock (_gate)
            known = _sessions.TryGetValue(key, out var entry) ? entry : null;
        if (known is { } fresh && (_store is null || now - fresh.CheckedAt < Recheck))
            return fresh.Expires > now ? fresh.UserToken : Forget(key);
        if (_store is null)
            return null;

        // A sign-out here while the database is read must not be undone by what the read found.
        var revocations = Interlocked.Read(ref _revocations);
        BrowserSessionRecord? stored;
        try
        {
            stored = await _store.FindAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            return known is { } held && held.Expires > now ? held.UserToken : null;
        }

        var userToken = stored is null || stored.ExpiresAt <= now ? null : _userTokenOfDigest(stored.UserTokenDigest);
        if (userToken is null)
            return Forget(key);
        Remember(key, new Entry(userToken, stored!.ExpiresAt, now), revocations);
        return userToken;
    }

    /// <summary>Whether <paramref name="request"/> carries the cookie of a live session.</summary>
    public async Task<bool> IsSignedInAsync(HttpRequest request, CancellationToken cancellationToken)
        => await FindUserTokenAsync(CookieValue(request), cancellationToken).ConfigureAwait(false) is not null;

    /// <summary>Ends the session <paramref name="id"/>, here and in the database.</summary>
    /// <exception cref="IOException">The database could not forget it (this process has).</exception>
    public async Task RevokeAsync(string? id, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(id))
            return;
        var key = BearerSecrets.Digest(id);
        Interlocked.Increment(ref _revocations);
        Forget(key);
        if (_store is not null)
            await _store.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _revocations);
    }

    // Keeps what was found, unless a sign-out happened since `revocations` was read (then the next lookup reads again).
    private void Remember(string key, Entry entry, long? revocations)
    {
        lock (_gate)
        {
            if (revocations is { } before && Interlocked.Read(ref _revocations) != before)
                return;
            if (!_sessions.ContainsKey(key))
            {
                foreach (var expired in _sessions.Where(pair => pair.Value.Expires <= entry.CheckedAt).Select(pair => pair.Key).ToList())
                    _sessions.Remove(expired);
                while (_sessions.Count >= Capacity)
                    _sessions.Remove(_sessions.MinBy(pair => pair.Value.Expires).Key);
            }

            _sessions[key] = entry;
        }
    }

    private string? Forget(string key)
    {
        lock (_gate)
            _sessions.Remove(key);
        return null;
    }

    private readonly record struct Entry(string UserToken, DateTimeOffset Expires, DateTimeOffset CheckedAt);
}
