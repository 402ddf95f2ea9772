using Agent.Runtime.Ssh.Wire;

namespace Agent.Runtime.Ssh.Keys;

/// <summary>
/// An OpenSSH certificate (PROTOCOL.certkeys): <c>ssh-ed25519-cert-v01@openssh.com</c>,
/// <c>ecdsa-sha2-nistp256/384/521-cert-v01@openssh.com</c> and <c>ssh-rsa-cert-v01@openssh.com</c>, parsed from its
/// blob: the certified key, serial, type, key id, principals, validity interval, critical options, extensions and
/// the CA's key and signature. Parsing checks the form only; <see cref="IsSignedByItsAuthority"/> checks the CA's
/// signature, and the authorizer the rest (type, validity, principals, options).
/// </summary>
public sealed class SshCertificate
{
    /// <summary>The suffix of certificate key types and of their userauth algorithm names.</summary>
    public const string Suffix = "-cert-v01@openssh.com";

    /// <summary>A user certificate (a host certificate is 2).</summary>
    public const uint UserType = 1;

    /// <summary>Fields past these bounds make the certificate malformed (sshd has similar limits).</summary>
    public const int MaxPrincipals = 256;

    private const int MaxOptions = 64;

    private readonly string _signatureAlgorithm;
    private readonly byte[] _signedData;
    private readonly byte[] _signature;

    private SshCertificate(
        SshPublicKey key,
        ulong serial,
        uint type,
        string keyId,
        IReadOnlyList<string> principals,
        ulong validAfter,
        ulong validBefore,
        IReadOnlyList<KeyValuePair<string, string>> criticalOptions,
        IReadOnlyList<string> extensions,
        SshPublicKey authority,
        string signatureAlgorithm,
        byte[] signedData,
        byte[] signature)
    {
        Key = key;
        Serial = serial;
        Type = type;
        KeyId = keyId;
        Principals = principals;
        ValidAfter = validAfter;
        ValidBefore = validBefore;
        CriticalOptions = criticalOptions;
        Extensions = extensions;
        Authority = authority;
        _signatureAlgorithm = signatureAlgorithm;
        _signedData = signedData;
        _signature = signature;
    }

    /// <summary>The certificate types this parser reads.</summary>
    public static IReadOnlyList<string> KeyTypes { get; } = [.. SshPublicKey.KeyTypes.Select(type => type + Suffix)];

    /// <summary>The userauth algorithms of certificates, for <c>server-sig-algs</c>.</summary>
    public static IReadOnlyList<string> SignatureAlgorithms { get; } = [.. SshPublicKey.SignatureAlgorithms.Select(algorithm => algorithm + Suffix)];

    /// <summary>The certified key (what the client signs with).</summary>
    public SshPublicKey Key { get; }

    public ulong Serial { get; }

    /// <summary><see cref="UserType"/> or 2 (host).</summary>
    public uint Type { get; }

    public string KeyId { get; }

    /// <summary>The names the certificate is valid for (empty: none are listed).</summary>
    public IReadOnlyList<string> Principals { get; }

    /// <summary>Seconds since 1970 (UTC) from which it is valid.</summary>
    public ulong ValidAfter { get; }

    /// <summary>Seconds since 1970 (UTC) from which it is no longer valid.</summary>
    public ulong ValidBefore { get; }

    /// <summary>Critical options by name with their string value (<c>force-command</c>, <c>source-address</c>...).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> CriticalOptions { get; }

    /// <summary>Extension names (<c>permit-pty</c>...).</summary>
    public IReadOnlyList<string> Extensions { get; }

    /// <summary>The CA key that signed it.</summary>
    public SshPublicKey Authority { get; }

    /// <summary>Whether a key type names a certificate.</summary>
    public static bool IsCertificateType(string keyType) => keyType.EndsWith(Suffix, StringComparison.Ordinal);

    /// <summary>The key type named at the start of a blob; <c>null</c> when there is none.</summary>
    public static string? TypeOf(ReadOnlySpan<byte> blob)
    {
        try
        {
            return new SshReader(blob).ReadString();
        }
        catch (SshProtocolException)
        {
            return null;
        }
    }

    /// <summary>Parses a certificate blob.</summary>
    /// <exception cref="FormatException">The blob is malformed or not a supported certificate type.</exception>
    public static SshCertificate Parse(ReadOnlySpan<byte> blob)
    {
        try
        {
            var reader = new SshReader(blob);
            var type = reader.ReadString();
            if (!KeyTypes.Contains(type, StringComparer.Ordinal))
                throw new FormatException($"unsupported certificate type '{LogText.Printable(type)}'");
            var plainType = type[..^Suffix.Length];
            reader.ReadBinary(); // The nonce.
            var keyStart = blob.Length - reader.Remaining;
            switch (plainType)
            {
                case "ssh-ed25519":
                    reader.ReadBinary();
                    break;
                case "ssh-rsa":
                    reader.ReadBinary();
                    reader.ReadBinary();
                    break;
                default:
                    reader.ReadBinary();
                    reader.ReadBinary();
                    break;
            }

            var keyFields = blob[keyStart..(blob.Length - reader.Remaining)];
            var key = SshPublicKey.Parse(new SshWriter(keyFields.Length + 32).WriteString(plainType).WriteRaw(keyFields).ToArray());
            var serial = reader.ReadUInt64();
            var certificateType = reader.ReadUInt32();
            var keyId = reader.ReadString();
            var principals = ReadStrings(reader.ReadBinary(), MaxPrincipals, "principals");
            var validAfter = reader.ReadUInt64();
            var validBefore = reader.ReadUInt64();
            var critical = ReadOptions(reader.ReadBinary(), "critical options");
            var extensions = ReadOptions(reader.ReadBinary(), "extensions").Select(e => e.Key).ToList();
            reader.ReadBinary(); // Reserved.
            var authorityBlob = reader.ReadBinary();
            var signedData = blob[..(blob.Length - reader.Remaining)].ToArray();
            var signature = reader.ReadBinary();
            reader.EnsureEnd("the certificate");
            if (SshPublicKey.TypeIsCertificate(authorityBlob))
                throw new FormatException("the certificate is signed by a certificate");
            var authority = SshPublicKey.Parse(authorityBlob);
            var signatureAlgorithm = new SshReader(signature).ReadString();
            return new SshCertificate(
                key, serial, certificateType, keyId, principals, validAfter, validBefore, critical, extensions, authority, signatureAlgorithm, signedData, signature.ToArray());
        }
        catch (SshProtocolException e)
        {
            throw new FormatException($"malformed certificate: {e.Message}", e);
        }
    }

    /// <summary>As <see cref="Parse"/>, false instead of an exception.</summary>
    public static bool TryParse(ReadOnlySpan<byte> blob, out SshCertificate? certificate, out string? error)
    {
        try
        {
            certificate = Parse(blob);
            error = null;
            return true;
        }
        catch (FormatException e)
        {
            certificate = null;
            error = e.Message;
            return false;
        }
    }

    /// <summary>
    /// Verifies a userauth signature with a plain key blob or a certificate blob (whose certified key signs); false for
    /// anything malformed, mismatched or unsupported, never an exception.
    /// </summary>
    public static bool VerifyUserAuth(ReadOnlySpan<byte> blob, string algorithm, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
        => SshPublicKey.TypeIsCertificate(blob)
            ? TryParse(blob, out var certificate, out _) && certificate!.VerifyUserSignature(algorithm, data, signature)
            : SshPublicKey.Verify(blob, algorithm, data, signature);

    /// <summary>
    /// Verifies a userauth signature made with a certificate: <paramref name="algorithm"/> is a certificate algorithm
    /// (<c>ssh-ed25519-cert-v01@openssh.com</c>, <c>rsa-sha2-512-cert-v01@openssh.com</c>...) that the certified key may
    /// use, and the signature (named by the plain algorithm, as OpenSSH sends it) is the certified key's.
    /// </summary>
    public bool VerifyUserSignature(string algorithm, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        return IsCertificateType(algorithm) && Key.Verify(algorithm[..^Suffix.Length], data, signature);
    }

    /// <summary>Whether <see cref="Authority"/> signed the certificate (an RSA CA with rsa-sha2-256/512 only, never SHA-1).</summary>
    public bool IsSignedByItsAuthority() => Authority.Verify(_signatureAlgorithm, _signedData, _signature);

    private static List<string> ReadStrings(ReadOnlySpan<byte> data, int max, string what)
    {
        var reader = new SshReader(data);
        var values = new List<string>();
        while (!reader.AtEnd)
        {
            if (values.Count == max)
                throw new FormatException($"more than {max} {what}");
            values.Add(reader.ReadString());
        }

        return values;
    }

    // Name and data pairs, in order, each name once; a data field that holds a string is read as that string.
    private static List<KeyValuePair<string, string>> ReadOptions(ReadOnlySpan<byte> data, string what)
    {
        var reader = new SshReader(data);
        var options = new List<KeyValuePair<string, string>>();
        while (!reader.AtEnd)
        {
            if (options.Count == MaxOptions)
                throw new FormatException($"more than {MaxOptions} {what}");
            var name = reader.ReadString();
            var value = reader.ReadBinary();
            if (options.Any(o => o.Key == name))
                throw new FormatException($"{what}: {name} is given twice");
            var text = string.Empty;
            if (!value.IsEmpty)
            {
                var inner = new SshReader(value);
                text = inner.ReadString();
                inner.EnsureEnd(what);
            }

            options.Add(new KeyValuePair<string, string>(name, text));
        }

        return options;
    }
}
