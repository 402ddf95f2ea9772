using System.Globalization;
using System.Text;

namespace Agent.Runtime.ControlPlane.Persistence;

/// <summary>
/// Where the control plane keeps its state: <c>sqlite:PATH</c> (a relative path is resolved against the current
/// directory when parsed) or <c>postgres://user[:password]@host[:port]/db</c> (<c>postgresql://</c> too). As libpq
/// does, the password may be left out (trust or peer authentication), user and password are percent-decoded, the host
/// may be a Unix-socket directory, given as <c>?host=/dir</c> (or percent-encoded in the host part), and a URL without
/// a host uses Debian's socket directory, <c>/var/run/postgresql</c>. <see cref="ToString"/> never shows the password.
/// </summary>
public sealed record DatabaseUrl
{
    /// <summary>PostgreSQL's port when the URL names none.</summary>
    public const int DefaultPostgresPort = 5432;

    /// <summary>Where Debian's PostgreSQL listens on a Unix socket, and libpq looks when no host is given.</summary>
    public const string DefaultSocketDirectory = "/var/run/postgresql";

    private const int MaxLength = 4096;

    private DatabaseUrl(DatabaseKind kind)
    {
        Kind = kind;
    }

    public DatabaseKind Kind { get; }

    /// <summary>The SQLite file's full path; empty for PostgreSQL.</summary>
    public string Path { get; private init; } = string.Empty;

    /// <summary>The PostgreSQL host name or address, or the directory of its Unix socket (it starts with <c>/</c>).</summary>
    public string Host { get; private init; } = string.Empty;

    public int Port { get; private init; } = DefaultPostgresPort;

    public string User { get; private init; } = string.Empty;

    /// <summary>The password, or <c>null</c> when the URL has none.</summary>
    public string? Password { get; private init; }

    public string Database { get; private init; } = string.Empty;

    /// <summary><c>libpq</c>'s <c>sslmode</c>, or <c>null</c> (Npgsql's default, <c>prefer</c>).</summary>
    public string? SslMode { get; private init; }

    /// <summary>
    /// Parses <paramref name="value"/>; on failure returns <c>null</c> and says why in <paramref name="problem"/> (which,
    /// like <see cref="ToString"/>, never repeats a password).
    /// </summary>
    public static DatabaseUrl? Parse(string value, out string? problem)
    {
        problem = null;
        var text = (value ?? string.Empty).Trim();
        if (text.Length > MaxLength)
            return Fail($"a database URL of {text.Length} characters is longer than {MaxLength}", out problem);
        if (text.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
            return ParseSqlite(text["sqlite:".Length..], out problem);
        foreach (var scheme in (ReadOnlySpan<string>)["postgres://", "postgresql://"])
        {
            if (text.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
                return ParsePostgres(text[scheme.Length..], out problem);
        }

        return Fail($"not a database URL: \"{Redacted(text)}\" (expected sqlite:PATH or postgres://user[:password]@host[:port]/db)", out problem);
    }

    /// <summary>The URL, with <c>***</c> in place of a password.</summary>
    public override string ToString()
    {
        if (Kind == DatabaseKind.Sqlite)
            return "sqlite:" + Path;
        var builder = new StringBuilder("postgres://");
        if (User.Length > 0)
        {
            builder.Append(Uri.EscapeDataString(User));
            if (Password is not null)
                builder.Append(":***");
            builder.Append('@');
        }

        var socket = Host.StartsWith('/');
        if (!socket)
            builder.Append(Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host).Append(CultureInfo.InvariantCulture, $":{Port}");
        builder.Append('/').Append(Uri.EscapeDataString(Database));
        var separator = '?';
        if (socket)
        {
            builder.Append(CultureInfo.InvariantCulture, $"?host={Host}");
            separator = '&';
            if (Port != DefaultPostgresPort)
                builder.Append(CultureInfo.InvariantCulture, $"&port={Port}");
        }

        if (SslMode is not null)
            builder.Append(separator).Append("sslmode=").Append(SslMode);
        return builder.ToString();
    }

    private static DatabaseUrl? ParseSqlite(string path, out string? problem)
    {
        if (path.StartsWith("//", StringComparison.Ordinal))
            path = path[2..];
        if (path.Length == 0)
            return Fail("sqlite URL without a path (sqlite:PATH, e.g. sqlite:/var/lib/agent/control-plane.db)", out problem);
        if (path.Contains('\0', StringComparison.Ordinal))
            return Fail("sqlite URL with a NUL character in its path", out problem);
        if (path.EndsWith('/'))
            return Fail($"sqlite:{path} names a directory, not a database file", out problem);
        problem = null;
        return new DatabaseUrl(DatabaseKind.Sqlite) { Path = System.IO.Path.GetFullPath(path) };
    }

    private static DatabaseUrl? ParsePostgres(string rest, out string? problem)
    {
        var query = string.Empty;
        var queryAt = rest.IndexOf('?', StringComparison.Ordinal);
        if (queryAt >= 0)
        {
            query = rest[(queryAt + 1)..];
            rest = rest[..queryAt];
        }

        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = slash < 0 ? rest : rest[..slash];
        var database = slash < 0 ? string.Empty : rest[(slash + 1)..];
        string user = string.Empty, host, portText = string.Empty;
        string? password = null;
        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = authority[..at];
            authority = authority[(at + 1)..];
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            if (!TryDecode(colon < 0 ? userInfo : userInfo[..colon], out user)
                || (colon >= 0 && !TryDecode(userInfo[(colon + 1)..], out password)))
                return Fail("postgres URL with a malformed percent-encoding in its user or password", out problem);
        }

        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
                return Fail("postgres URL with an unclosed [ in its host", out problem);
            host = authority[1..close];
            var after = authority[(close + 1)..];
            if (after.Length > 0 && !after.StartsWith(':'))
                return Fail("postgres URL with something after its [host] that is not :port", out problem);
            portText = after.Length > 0 ? after[1..] : string.Empty;
        }
        else
        {
            var colon = authority.LastIndexOf(':');
            host = colon < 0 ? authority : authority[..colon];
            portText = colon < 0 ? string.Empty : authority[(colon + 1)..];
        }

        if (!TryDecode(host, out host) || !TryDecode(database, out database))
            return Fail("postgres URL with a malformed percent-encoding in its host or database", out problem);
        string? sslMode = null;
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? pair : pair[..equals];
            if (!TryDecode(equals < 0 ? string.Empty : pair[(equals + 1)..], out var parameter))
                return Fail($"postgres URL with a malformed percent-encoding in its {name} parameter", out problem);
            switch (name)
            {
                case "host":
                    host = parameter;
                    break;
                case "port":
                    portText = parameter;
                    break;
                case "sslmode" when parameter is "disable" or "allow" or "prefer" or "require" or "verify-ca" or "verify-full":
                    sslMode = parameter;
                    break;
                case "sslmode":
                    return Fail($"postgres URL with an unknown sslmode \"{parameter}\" (disable, allow, prefer, require, verify-ca or verify-full)", out problem);
                default:
                    return Fail($"postgres URL with an unsupported parameter \"{name}\" (host, port and sslmode are understood)", out problem);
            }
        }

        var port = DefaultPostgresPort;
        if (portText.Length > 0 && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
            return Fail($"postgres URL with an invalid port \"{portText}\" (1-65535)", out problem);
        if (database.Length == 0)
            return Fail("postgres URL without a database name (postgres://user@host/DATABASE)", out problem);
        if (host.Contains('\0', StringComparison.Ordinal) || user.Contains('\0', StringComparison.Ordinal) || database.Contains('\0', StringComparison.Ordinal))
            return Fail("postgres URL with a NUL character", out problem);
        problem = null;
        return new DatabaseUrl(DatabaseKind.Postgres)
        {
            Host = host.Length == 0 ? DefaultSocketDirectory : host,
            Port = port,
            User = user,
            Password = password,
            Database = database,
            SslMode = sslMode,
        };
    }

    private static bool TryDecode(string text, out string decoded)
    {
        decoded = text;
        if (!text.Contains('%', StringComparison.Ordinal))
            return true;
        for (var i = text.IndexOf('%', StringComparison.Ordinal); i >= 0; i = text.IndexOf('%', i + 1))
        {
            if (i + 2 >= text.Length || !Uri.IsHexDigit(text[i + 1]) || !Uri.IsHexDigit(text[i + 2]))
                return false;
        }

        decoded = Uri.UnescapeDataString(text);
        return true;
    }

    // The text of a URL that could not be parsed, without what may be a password: user:password@ becomes user:***@.
    private static string Redacted(string text)
    {
        var at = text.LastIndexOf('@');
        if (at < 0)
            return text;
        var start = text.IndexOf("//", StringComparison.Ordinal) is var schemeEnd and >= 0 && schemeEnd < at ? schemeEnd + 2 : 0;
        var colon = text.IndexOf(':', start);
        return colon >= 0 && colon < at ? string.Concat(text.AsSpan(0, colon), ":***", text.AsSpan(at)) : text;
    }

    private static DatabaseUrl? Fail(string reason, out string? problem)
    {
        problem = reason;
        return null;
    }
}
