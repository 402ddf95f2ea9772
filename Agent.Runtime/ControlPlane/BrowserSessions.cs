using System.Security.Cryptography;
using System.Text;
using Agent.Runtime.Net;
using Microsoft.AspNetCore.Http;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// The dashboard's sign-ins: a user token exchanged once (<c>/login?token=…</c>) for a random session id that travels
/// only in the <see cref="CookieName"/> cookie (<c>HttpOnly</c>, <c>SameSite=Strict</c>). Kept in memory, keyed by the
/// id's SHA-256 (the ids themselves are not kept), each for <see cref="Lifetime"/>, at most <see cref="Capacity"/> at
/// once (the oldest goes first). A session counts only while the user token it was made from is still one.
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

    public BrowserSessions(TimeProvider clock, int capacity = DefaultCapacity)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _clock = clock;
        Capacity = capacity;
        Refusals = new LogThrottle(TimeSpan.FromSeconds(10), clock);
    }

    /// <summary>How long a sign-in lasts.</summary>
    public static TimeSpan Lifetime { get; } = TimeSpan.FromHours(12);

    public int Capacity { get; }

    /// <summary>Refused cookie requests and sign-ins log at most one line per interval.</summary>
    public LogThrottle Refusals { get; }

    /// <summary>How many sessions are kept now, expired ones included until the next sign-in sweeps them.</summary>
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
    public string Create(string userToken)
    {
        var id = Base64Url(RandomNumberGenerator.GetBytes(32));
        var now = _clock.GetUtcNow();
        lock (_gate)
        {
            foreach (var expired in _sessions.Where(pair => pair.Value.Expires <= now).Select(pair => pair.Key).ToList())
                _sessions.Remove(expired);
            while (_sessions.Count >= Capacity)
                _sessions.Remove(_sessions.MinBy(pair => pair.Value.Expires).Key);
            _sessions[Digest(id)] = new Entry(userToken, now + Lifetime);
        }

        return id;
    }

    /// <summary>The user token behind a live session <paramref name="id"/>, or <c>null</c> (unknown, ended or expired).</summary>
    public string? FindUserToken(string? id)
    {
        if (string.IsNullOrEmpty(id))
            return null;
        var key = Digest(id);
        lock (_gate)
        {
            if (!_sessions.TryGetValue(key, out var entry))
                return null;
            if (entry.Expires > _clock.GetUtcNow())
                return entry.UserToken;
            _sessions.Remove(key);
            return null;
        }
    }

    /// <summary>Ends the session <paramref name="id"/>; whether it was live.</summary>
    public bool Revoke(string? id)
    {
        if (string.IsNullOrEmpty(id))
            return false;
        lock (_gate)
            return _sessions.Remove(Digest(id));
    }

    private static string Digest(string id) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(id)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private readonly record struct Entry(string UserToken, DateTimeOffset Expires);
}
