using System.Globalization;
using System.Text;
using Agent.Runtime.Ssh.Auth;
using Agent.Runtime.Ssh.Wire;

namespace Agent.Runtime.Ssh.Auth;

/// <summary>
/// The options before a key in authorized_keys (sshd(8) "AUTHORIZED_KEYS FILE FORMAT"): comma-separated, names
/// compared ignoring case, values in double quotes (<c>\"</c> is a quote; commas and spaces inside quotes are
/// text), read in order (so <c>restrict,pty</c> allows a PTY and <c>pty,restrict</c> does not). An unknown option,
/// a value where none belongs (or none where one does), a malformed value, or an option given twice that sshd refuses
/// twice makes the whole line unusable: it never grants more than written.
/// </summary>
public sealed record AuthorizedKeyOptions
{
    /// <summary>A line without options.</summary>
    public static AuthorizedKeyOptions None { get; } = new();

    /// <summary>What a login through this line may do.</summary>
    public LoginRestrictions Restrictions { get; init; } = LoginRestrictions.None;

    /// <summary>The <c>from=</c> list the client's address must match; <c>null</c> for any.</summary>
    public AddressPatternList? From { get; init; }

    /// <summary>The text of <c>from=</c>, for log lines.</summary>
    public string? FromText { get; init; }

    /// <summary>After this moment (<c>expiry-time=</c>, the earliest when given twice) the line lets nobody in.</summary>
    public DateTimeOffset? ExpiryTime { get; init; }

    /// <summary>The key signs user certificates (<c>cert-authority</c>): it lets certificates in, never itself.</summary>
    public bool CertAuthority { get; init; }

    /// <summary>With <c>cert-authority</c>: the names a certificate must hold one of (instead of the login user).</summary>
    public IReadOnlyList<string>? Principals { get; init; }

    /// <summary>The <c>environment=</c> options, applied only with <c>--permit-user-environment</c> (sshd's <c>PermitUserEnvironment</c>).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Environment { get; init; } = [];

    /// <summary>Parses the options text (everything before the key type).</summary>
    public static bool TryParse(string text, out AuthorizedKeyOptions? options, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        options = null;
        var result = new AuthorizedKeyOptions();
        var restrictions = LoginRestrictions.None;
        List<PermittedEndpoint>? permitOpen = null;
        List<PermittedEndpoint>? permitListen = null;
        List<KeyValuePair<string, string>> environment = [];
        var position = 0;
        while (true)
        {
            if (!TryReadOption(text, ref position, out var name, out var value, out error))
                return false;
            var flag = name.ToLowerInvariant();
            if (value is null)
            {
                switch (flag)
                {
                    case "restrict":
                        restrictions = restrictions with { Pty = false, PortForwarding = false, AgentForwarding = false, X11Forwarding = false, UserRc = false };
                        break;
                    case "cert-authority":
                        result = result with { CertAuthority = true };
                        break;
                    case "pty" or "no-pty":
                        restrictions = restrictions with { Pty = flag == "pty" };
                        break;
                    case "port-forwarding" or "no-port-forwarding":
                        restrictions = restrictions with { PortForwarding = flag == "port-forwarding" };
                        break;
                    case "agent-forwarding" or "no-agent-forwarding":
                        restrictions = restrictions with { AgentForwarding = flag == "agent-forwarding" };
                        break;
                    case "x11-forwarding" or "no-x11-forwarding":
                        restrictions = restrictions with { X11Forwarding = flag == "x11-forwarding" };
                        break;
                    case "user-rc" or "no-user-rc":
                        restrictions = restrictions with { UserRc = flag == "user-rc" };
                        break;
                    default:
                        error = IsValueOption(flag) ? $"option {name} needs a quoted value" : $"unknown option \"{LogText.Printable(name)}\"";
                        return false;
                }
            }
            else
            {
                switch (flag)
                {
                    case "command":
                        if (restrictions.ForcedCommand is not null)
                            return Fail("command= is given twice", out error);
                        restrictions = restrictions with { ForcedCommand = value };
                        break;
                    case "from":
                        if (result.From is not null)
                            return Fail("from= is given twice", out error);
                        if (!AddressPatternList.TryParse(value, networksOnly: false, out var from, out error))
                            return Fail($"from=: {error}", out error);
                        result = result with { From = from, FromText = value };
                        break;
                    case "expiry-time":
                        if (!TryParseExpiry(value, out var expiry))
                            return Fail($"expiry-time=\"{LogText.Printable(value)}\" is not YYYYMMDD[HHMM[SS]][Z]", out error);
                        result = result with { ExpiryTime = result.ExpiryTime is { } earlier && earlier < expiry ? earlier : expiry };
                        break;
                    case "principals":
                        if (result.Principals is not null)
                            return Fail("principals= is given twice", out error);
                        var principals = value.Split(',', StringSplitOptions.TrimEntries);
                        if (principals.Any(p => p.Length == 0))
                            return Fail("principals= has an empty name", out error);
                        result = result with { Principals = principals };
                        break;
                    case "permitopen" or "permitlisten":
                        var listen = flag == "permitlisten";
                        if (!PermittedEndpoint.TryParse(value, listen, out var endpoint, out error))
                            return Fail($"{flag}=: {error}", out error);
                        (listen ? permitListen ??= [] : permitOpen ??= []).Add(endpoint!);
                        break;
                    case "environment":
                        var equals = value.IndexOf('=', StringComparison.Ordinal);
                        if (equals <= 0)
                            return Fail("environment= is not NAME=value", out error);
                        environment.Add(new KeyValuePair<string, string>(value[..equals], value[(equals + 1)..]));
                        break;
                    default:
                        error = IsFlag(flag) ? $"option {name} takes no value" : $"unknown option \"{LogText.Printable(name)}\"";
                        return false;
                }
            }

            if (position == text.Length)
                break;
            position++; // The comma.
        }

        if (result.Principals is not null && !result.CertAuthority)
            return Fail("principals= without cert-authority", out error);
        options = result with
        {
            Restrictions = restrictions with { PermitOpen = permitOpen, PermitListen = permitListen },
            Environment = environment,
        };
        error = null;
        return true;
    }

    /// <summary>Whether the line lets a client at <paramref name="address"/> in at <paramref name="now"/>; the reason when not.</summary>
    public bool Admits(System.Net.IPAddress? address, DateTimeOffset now, out string? reason)
    {
        if (ExpiryTime is { } expiry && now >= expiry)
        {
            reason = $"the line expired at {expiry:u}";
            return false;
        }

        if (From is not null && !From.Matches(address))
        {
            reason = $"{(address is null ? "an unknown address" : address.ToString())} is not in from=\"{FromText}\"";
            return false;
        }

        reason = null;
        return true;
    }

    private static bool IsFlag(string name) => name is "restrict" or "cert-authority" or "pty" or "no-pty" or "port-forwarding" or "no-port-forwarding"
        or "agent-forwarding" or "no-agent-forwarding" or "x11-forwarding" or "no-x11-forwarding" or "user-rc" or "no-user-rc";

    private static bool IsValueOption(string name) => name is "command" or "from" or "expiry-time" or "principals" or "permitopen" or "permitlisten" or "environment";

    private static bool Fail(string message, out string? error)
    {
        error = message;
        return false;
    }

    // One option at `position`: a name of letters, digits and dashes, then optionally ="value". Stops at the comma
    // after it or at the end.
    private static bool TryReadOption(string text, ref int position, out string name, out string? value, out string? error)
    {
        var start = position;
        while (position < text.Length && (char.IsAsciiLetterOrDigit(text[position]) || text[position] == '-'))
            position++;
        name = text[start..position];
        value = null;
        if (name.Length == 0)
            return Fail(position < text.Length ? $"unexpected '{text[position]}' in the options" : "an empty option", out error);
        if (position < text.Length && text[position] == '=')
        {
            position++;
            if (position >= text.Length || text[position] != '"')
                return Fail($"the value of {name} is not in double quotes", out error);
            position++;
            var builder = new StringBuilder();
            while (true)
            {
                if (position >= text.Length)
                    return Fail($"the value of {name} has no closing quote", out error);
                var c = text[position++];
                if (c == '"')
                    break;
                if (c == '\\' && position < text.Length && text[position] == '"')
                    c = text[position++];
                builder.Append(c);
            }

            value = builder.ToString();
        }

        if (position < text.Length && text[position] != ',')
            return Fail($"unexpected '{text[position]}' after option {name}", out error);
        if (position < text.Length && position == text.Length - 1)
            return Fail("a comma at the end of the options", out error);
        error = null;
        return true;
    }

    // YYYYMMDD[HHMM[SS]], in the system's time zone, or UTC with a trailing Z (as sshd).
    private static bool TryParseExpiry(string value, out DateTimeOffset expiry)
    {
        expiry = default;
        var utc = value.EndsWith('Z');
        var digits = utc ? value[..^1] : value;
        var format = digits.Length switch
        {
            8 => "yyyyMMdd",
            12 => "yyyyMMddHHmm",
            14 => "yyyyMMddHHmmss",
            _ => null,
        };
        if (format is null || !digits.All(char.IsAsciiDigit))
            return false;
        var style = utc ? DateTimeStyles.AssumeUniversal : DateTimeStyles.AssumeLocal;
        return DateTimeOffset.TryParseExact(digits, format, CultureInfo.InvariantCulture, style, out expiry);
    }
}
