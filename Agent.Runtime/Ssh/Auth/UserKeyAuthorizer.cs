using System.Net;
using Agent.Runtime.Ssh.Auth;
using Agent.Runtime.Ssh.Keys;
using Agent.Runtime.Ssh.Wire;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Ssh.Auth;

/// <summary>
/// Decides whether an offered key or certificate may log in, and with which <see cref="LoginRestrictions"/>, as
/// sshd does. A plain key: the first authorized_keys line with that key (cert-authority lines excluded) whose
/// <c>from=</c> and <c>expiry-time=</c> let the client in; its options are the restrictions. A certificate: a user
/// certificate, valid now, with at least one principal, only known critical options (<c>force-command</c>,
/// <c>source-address</c>, which must admit the client), and a valid signature by a CA that is either in the trusted
/// user CA keys (then a principal must be the login user) or on a <c>cert-authority</c> line that lets the client in
/// (then a principal must be one of its <c>principals=</c>, or the login user without them). Its extensions grant
/// what it may do (none: nothing), combined with the line's options, the most restrictive winning. The CA's signature
/// is checked last, once a trusted CA signed it by its own account: a client cannot make the server verify signatures
/// of keys nobody trusts.
/// </summary>
public sealed class UserKeyAuthorizer
{
    private readonly AuthorizedKeysFile _authorizedKeys;
    private readonly AuthorizedKeysFile? _trustedCaKeys;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly bool _permitUserEnvironment;

    /// <param name="authorizedKeys">The user's authorized_keys (plain keys and <c>cert-authority</c> lines).</param>
    /// <param name="trustedCaKeys">The trusted user CA keys (<c>--trusted-user-ca-keys</c>), or <c>null</c>.</param>
    /// <param name="time">The clock for <c>expiry-time=</c> and certificate validity.</param>
    /// <param name="logger">Where refusals and logins are logged.</param>
    /// <param name="permitUserEnvironment">Whether a line's <c>environment=</c> options are applied (sshd's <c>PermitUserEnvironment</c>).</param>
    public UserKeyAuthorizer(AuthorizedKeysFile authorizedKeys, AuthorizedKeysFile? trustedCaKeys, TimeProvider time, ILogger logger, bool permitUserEnvironment = false)
    {
        ArgumentNullException.ThrowIfNull(authorizedKeys);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _authorizedKeys = authorizedKeys;
        _trustedCaKeys = trustedCaKeys;
        _time = time;
        _logger = logger;
        _permitUserEnvironment = permitUserEnvironment;
    }

    /// <summary>The restrictions of the login, or <c>null</c> when the key may not log in.</summary>
    public LoginRestrictions? Authorize(SshKeyRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var address = (request.Remote as IPEndPoint)?.Address;
        var now = _time.GetUtcNow();
        return SshPublicKey.TypeIsCertificate(request.Blob.Span)
            ? AuthorizeCertificate(request.User, request.Blob, address, now, request.Signed ? LogLevel.Information : LogLevel.Debug)
            : AuthorizeKey(request.User, request.Blob, address, now);
    }

    private static bool TryCertificateRestrictions(SshCertificate certificate, IPAddress? address, DateTimeOffset now, out LoginRestrictions restrictions, out string reason)
    {
        restrictions = LoginRestrictions.Restricted;
        var seconds = (ulong)Math.Max(0, now.ToUnixTimeSeconds());
        if (certificate.Type != SshCertificate.UserType)
            return Refuse("it is not a user certificate", out reason);
        if (seconds < certificate.ValidAfter)
            return Refuse($"it is not valid before {Time(certificate.ValidAfter)}", out reason);
        if (seconds >= certificate.ValidBefore)
            return Refuse($"it expired at {Time(certificate.ValidBefore)}", out reason);
        if (certificate.Principals.Count == 0)
            return Refuse("it lists no principal", out reason);
        foreach (var (name, value) in certificate.CriticalOptions)
        {
            switch (name)
            {
                case "force-command":
                    restrictions = restrictions with { ForcedCommand = value };
                    break;
                case "source-address":
                    if (!AddressPatternList.TryParse(value, networksOnly: true, out var sources, out var error))
                        return Refuse($"its source-address is malformed ({error})", out reason);
                    if (!sources!.Matches(address))
                        return Refuse($"{(address is null ? "an unknown address" : address.ToString())} is not in its source-address \"{value}\"", out reason);
                    break;
                default:
                    return Refuse($"it has the unknown critical option \"{name}\"", out reason);
            }
        }

        var extensions = certificate.Extensions;
        restrictions = restrictions with
        {
            Pty = extensions.Contains("permit-pty"),
            PortForwarding = extensions.Contains("permit-port-forwarding"),
            AgentForwarding = extensions.Contains("permit-agent-forwarding"),
            X11Forwarding = extensions.Contains("permit-X11-forwarding"),
            UserRc = extensions.Contains("permit-user-rc"),
        };
        reason = string.Empty;
        return true;
    }

    private static bool Refuse(string why, out string reason)
    {
        reason = why;
        return false;
    }

    private static string Time(ulong seconds)
        => seconds >= (ulong)DateTimeOffset.MaxValue.ToUnixTimeSeconds() ? "forever" : DateTimeOffset.FromUnixTimeSeconds((long)seconds).ToString("u", System.Globalization.CultureInfo.InvariantCulture);

    private bool IsSigned(SshCertificate certificate, string user)
    {
        if (certificate.IsSignedByItsAuthority())
            return true;
        _logger.CertificateRefused(user, $"\"{certificate.KeyId}\" (serial {certificate.Serial}): the signature of CA {certificate.Authority.Fingerprint} does not verify");
        return false;
    }

    private LoginRestrictions? AuthorizeKey(string user, ReadOnlyMemory<byte> blob, IPAddress? address, DateTimeOffset now)
    {
        foreach (var line in _authorizedKeys.Keys())
        {
            if (line.Options.CertAuthority || !line.Matches(blob.Span))
                continue;
            if (!line.Options.Admits(address, now, out var reason))
            {
                _logger.AuthorizedKeyLineRefused(line.Key.Fingerprint, user, _authorizedKeys.Path, line.LineNumber, reason!);
                continue;
            }

            _logger.AuthorizedKeyLineMatched(line.Key.Fingerprint, user, _authorizedKeys.Path, line.LineNumber, line.Options.Restrictions.ToString());
            return WithEnvironment(line.Options.Restrictions, line);
        }

        return null;
    }

    private LoginRestrictions? AuthorizeCertificate(string user, ReadOnlyMemory<byte> blob, IPAddress? address, DateTimeOffset now, LogLevel accepted)
    {
        if (!SshCertificate.TryParse(blob.Span, out var certificate, out var error))
        {
            _logger.CertificateRefused(user, error!);
            return null;
        }

        if (!TryCertificateRestrictions(certificate!, address, now, out var restrictions, out var reason))
        {
            _logger.CertificateRefused(user, $"\"{LogText.Printable(certificate!.KeyId)}\" (serial {certificate.Serial}): {reason}");
            return null;
        }

        var authority = certificate!.Authority;
        if (_trustedCaKeys is not null && certificate.Principals.Contains(user, StringComparer.Ordinal)
            && _trustedCaKeys.Keys().FirstOrDefault(ca => ca.Matches(authority.Blob.Span)) is { } trusted)
        {
            if (ReferenceEquals(trusted.Options, AuthorizedKeyOptions.None))
            {
                if (!IsSigned(certificate, user))
                    return null;
                _logger.CertificateAccepted(accepted, LogText.Printable(certificate.KeyId), certificate.Serial, user, authority.Fingerprint, $"{_trustedCaKeys.Path} line {trusted.LineNumber}", restrictions.ToString());
                return restrictions;
            }

            _logger.CertificateRefused(user, $"{_trustedCaKeys.Path} line {trusted.LineNumber} has options, which that file does not take");
        }

        foreach (var line in _authorizedKeys.Keys())
        {
            if (!line.Options.CertAuthority || !line.Matches(authority.Blob.Span))
                continue;
            if (!line.Options.Admits(address, now, out reason))
            {
                _logger.AuthorizedKeyLineRefused(authority.Fingerprint, user, _authorizedKeys.Path, line.LineNumber, reason!);
                continue;
            }

            IReadOnlyList<string> principals = line.Options.Principals ?? [user];
            if (!certificate.Principals.Any(p => principals.Contains(p, StringComparer.Ordinal)))
            {
                _logger.AuthorizedKeyLineRefused(authority.Fingerprint, user, _authorizedKeys.Path, line.LineNumber, $"no principal of \"{LogText.Printable(certificate.KeyId)}\" is {string.Join(" or ", principals)}");
                continue;
            }

            if (line.Options.Restrictions.Intersect(restrictions) is not { } combined)
            {
                _logger.AuthorizedKeyLineRefused(authority.Fingerprint, user, _authorizedKeys.Path, line.LineNumber, "its command= and the certificate's force-command differ");
                continue;
            }

            if (!IsSigned(certificate, user))
                return null;
            _logger.CertificateAccepted(accepted, LogText.Printable(certificate.KeyId), certificate.Serial, user, authority.Fingerprint, $"{_authorizedKeys.Path} line {line.LineNumber}", combined.ToString());
            return WithEnvironment(combined, line);
        }

        _logger.CertificateRefused(user, $"\"{LogText.Printable(certificate.KeyId)}\": CA {authority.Fingerprint} is not trusted for this user");
        return null;
    }

    private LoginRestrictions WithEnvironment(LoginRestrictions restrictions, AuthorizedKey line)
        => _permitUserEnvironment && line.Options.Environment.Count > 0 ? restrictions with { Environment = line.Options.Environment } : restrictions;
}
