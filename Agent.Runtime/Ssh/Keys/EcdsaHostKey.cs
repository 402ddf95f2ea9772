using System.Security.Cryptography;
using Agent.Runtime.Ssh.Wire;

namespace Agent.Runtime.Ssh.Keys;

/// <summary>
/// An ecdsa-sha2-nistp256, -nistp384 or -nistp521 host key (RFC 5656): public blob <c>string "ecdsa-sha2-nistpN",
/// string "nistpN", string Q</c> (uncompressed point); signature blob <c>string "ecdsa-sha2-nistpN", string (mpint r,
/// mpint s)</c> over SHA-256, SHA-384 or SHA-512 by curve size. Generated on P-256.
/// </summary>
public sealed class EcdsaHostKey : IStoredHostKey, IDisposable
{
    public const string Nistp256 = "ecdsa-sha2-nistp256";
    public const string Nistp384 = "ecdsa-sha2-nistp384";
    public const string Nistp521 = "ecdsa-sha2-nistp521";

    private readonly ECDsa _key;
    private readonly Curve _curve;
    private readonly byte[] _publicKeyBlob;

    /// <summary>Takes ownership of <paramref name="key"/>, which must be a P-256, P-384 or P-521 private key.</summary>
    public EcdsaHostKey(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var parameters = key.ExportParameters(includePrivateParameters: false);
        _curve = Curve.ByOid(parameters.Curve.Oid?.Value)
            ?? throw new CryptographicException($"the ECDSA host key is on curve {parameters.Curve.Oid?.FriendlyName ?? parameters.Curve.Oid?.Value ?? "?"}, not P-256, P-384 or P-521");
        _key = key;
        _publicKeyBlob = new SshWriter(40 + (2 * _curve.FieldSize))
            .WriteString(_curve.Algorithm)
            .WriteString(_curve.Name)
            .WriteBinary(Curve.Point(parameters.Q))
            .ToArray();
        SignatureAlgorithms = [_curve.Algorithm];
        Fingerprint = KeyFingerprint.Sha256(_publicKeyBlob);
    }

    private delegate void ImportFunction(ECDsa key, ReadOnlySpan<byte> der, out int read);

    public string KeyType => _curve.Algorithm;

    public IReadOnlyList<string> SignatureAlgorithms { get; }

    public ReadOnlyMemory<byte> PublicKeyBlob => _publicKeyBlob;

    public string Fingerprint { get; }

    /// <summary>A new P-256 key.</summary>
    public static EcdsaHostKey Generate() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>Reads an unencrypted PKCS#8 ECDSA private key (DER).</summary>
    /// <exception cref="CryptographicException">The data is not such a key, or the key is on another curve.</exception>
    public static EcdsaHostKey ImportPkcs8PrivateKey(ReadOnlySpan<byte> der)
        => Import(der, static (ECDsa key, ReadOnlySpan<byte> data, out int read) => key.ImportPkcs8PrivateKey(data, out read), "PKCS#8");

    /// <summary>Reads an unencrypted SEC1 ECPrivateKey (DER, as in <c>-----BEGIN EC PRIVATE KEY-----</c>).</summary>
    /// <exception cref="CryptographicException">The data is not such a key, or the key is on another curve.</exception>
    public static EcdsaHostKey ImportECPrivateKey(ReadOnlySpan<byte> der)
        => Import(der, static (ECDsa key, ReadOnlySpan<byte> data, out int read) => key.ImportECPrivateKey(data, out read), "SEC1");

    /// <summary>
    /// Reads the key fields of OpenSSH's private-key format after the key type: <c>string curve, string Q, mpint d</c>.
    /// </summary>
    /// <exception cref="CryptographicException">The fields are not a valid key of <paramref name="keyType"/>.</exception>
    public static EcdsaHostKey ReadOpenSsh(string keyType, ref SshReader reader)
    {
        var curve = Curve.ByAlgorithm(keyType) ?? throw new CryptographicException($"'{keyType}' is not an ECDSA key type");
        if (reader.ReadString() != curve.Name)
            throw new CryptographicException($"the {keyType} key names another curve");
        var q = reader.ReadBinary();
        if (q.Length != 1 + (2 * curve.FieldSize) || q[0] != 0x04)
            throw new CryptographicException($"the {keyType} public key is not an uncompressed point of {1 + (2 * curve.FieldSize)} bytes");
        var d = reader.ReadMpint();
        if (d.Sign <= 0 || d.GetByteCount(isUnsigned: true) > curve.FieldSize)
            throw new CryptographicException($"the {keyType} private scalar is out of range");
        var scalar = new byte[curve.FieldSize];
        d.TryWriteBytes(scalar.AsSpan(curve.FieldSize - d.GetByteCount(isUnsigned: true)), out _, isUnsigned: true, isBigEndian: true);
        var parameters = new ECParameters
        {
            Curve = curve.DotNetCurve,
            D = scalar,
            Q = new ECPoint { X = q.Slice(1, curve.FieldSize).ToArray(), Y = q.Slice(1 + curve.FieldSize).ToArray() },
        };
        try
        {
            // Importing checks that Q is on the curve and that D belongs to it.
            return new EcdsaHostKey(ECDsa.Create(parameters));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(scalar);
        }
    }

    public byte[] ExportPkcs8PrivateKey() => _key.ExportPkcs8PrivateKey();

    public void WritePrivateKey(SshWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var parameters = _key.ExportParameters(includePrivateParameters: true);
        try
        {
            writer.WriteString(_curve.Algorithm).WriteString(_curve.Name).WriteBinary(Curve.Point(parameters.Q)).WriteMpint(parameters.D);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(parameters.D);
        }
    }

    public byte[] Sign(string signatureAlgorithm, ReadOnlySpan<byte> data)
    {
        if (signatureAlgorithm != _curve.Algorithm)
            throw new ArgumentException($"an {_curve.Algorithm} key cannot sign with '{signatureAlgorithm}'", nameof(signatureAlgorithm));
        Span<byte> rs = stackalloc byte[2 * _curve.FieldSize];
        if (!_key.TrySignData(data, rs, _curve.Hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation, out var written) || written != rs.Length)
            throw new CryptographicException("ECDSA signing gave no P1363 signature");
        return new SshWriter(40 + rs.Length).WriteString(_curve.Algorithm).WriteBinary(EcdsaSignature.FromP1363(rs)).ToArray();
    }

    public void Dispose() => _key.Dispose();

    private static EcdsaHostKey Import(ReadOnlySpan<byte> der, ImportFunction import, string format)
    {
        var key = ECDsa.Create();
        try
        {
            import(key, der, out var read);
            if (read != der.Length)
                throw new CryptographicException($"{der.Length - read} bytes follow the {format} key");
            return new EcdsaHostKey(key);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>One of the three curves of RFC 5656 section 10.1, with its SSH names and hash.</summary>
    private sealed record Curve(string Algorithm, string Name, string Oid, int FieldSize, HashAlgorithmName Hash)
    {
        private static readonly Curve[] All =
        [
            new(Nistp256, "nistp256", "1.2.840.10045.3.1.7", 32, HashAlgorithmName.SHA256),
            new(Nistp384, "nistp384", "1.3.132.0.34", 48, HashAlgorithmName.SHA384),
            new(Nistp521, "nistp521", "1.3.132.0.35", 66, HashAlgorithmName.SHA512),
        ];

        public ECCurve DotNetCurve => ECCurve.CreateFromValue(Oid);

        public static Curve? ByOid(string? oid) => All.FirstOrDefault(c => c.Oid == oid);

        public static Curve? ByAlgorithm(string algorithm) => All.FirstOrDefault(c => c.Algorithm == algorithm);

        public static byte[] Point(ECPoint q) => [0x04, .. q.X!, .. q.Y!];
    }
}
