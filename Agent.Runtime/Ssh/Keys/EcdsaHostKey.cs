using System.Security.Cryptography;
using Agent.Runtime.Ssh.Wire;

namespace Agent.Runtime.Ssh.Keys;

/// <summary>
/// An ecdsa-sha2-nistp256 host key (RFC 5656): public blob <c>string "ecdsa-sha2-nistp256", string "nistp256",
/// string Q</c> (uncompressed point); signature blob <c>string "ecdsa-sha2-nistp256", string (mpint r, mpint s)</c>
/// over SHA-256. Stored as PKCS#8.
/// </summary>
public sealed class EcdsaHostKey : IStoredHostKey, IDisposable
{
    public const string Algorithm = "ecdsa-sha2-nistp256";
    private const string CurveName = "nistp256";
    private const string CurveOid = "1.2.840.10045.3.1.7";
    private const int FieldSize = 32;

    private readonly ECDsa _key;
    private readonly byte[] _publicKeyBlob;

    /// <summary>Takes ownership of <paramref name="key"/>, which must be a P-256 private key.</summary>
    public EcdsaHostKey(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var parameters = key.ExportParameters(includePrivateParameters: false);
        if (parameters.Curve.Oid?.Value != CurveOid)
            throw new CryptographicException($"the ECDSA host key is on curve {parameters.Curve.Oid?.FriendlyName ?? "?"}, not P-256");
        _key = key;
        _publicKeyBlob = new SshWriter(104)
            .WriteString(Algorithm)
            .WriteString(CurveName)
            .WriteBinary([0x04, .. parameters.Q.X!, .. parameters.Q.Y!])
            .ToArray();
        Fingerprint = KeyFingerprint.Sha256(_publicKeyBlob);
    }

    public string KeyType => Algorithm;

    public IReadOnlyList<string> SignatureAlgorithms { get; } = [Algorithm];

    public ReadOnlyMemory<byte> PublicKeyBlob => _publicKeyBlob;

    public string Fingerprint { get; }

    public static EcdsaHostKey Generate() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>Reads an unencrypted PKCS#8 P-256 private key (DER).</summary>
    /// <exception cref="CryptographicException">The data is not such a key.</exception>
    public static EcdsaHostKey ImportPkcs8PrivateKey(ReadOnlySpan<byte> der)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportPkcs8PrivateKey(der, out var read);
            if (read != der.Length)
                throw new CryptographicException($"{der.Length - read} bytes follow the PKCS#8 key");
            return new EcdsaHostKey(key);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    public byte[] ExportPkcs8PrivateKey() => _key.ExportPkcs8PrivateKey();

    public byte[] Sign(string signatureAlgorithm, ReadOnlySpan<byte> data)
    {
        if (signatureAlgorithm != Algorithm)
            throw new ArgumentException($"an ECDSA P-256 key cannot sign with '{signatureAlgorithm}'", nameof(signatureAlgorithm));
        Span<byte> rs = stackalloc byte[2 * FieldSize];
        if (!_key.TrySignData(data, rs, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation, out var written) || written != rs.Length)
            throw new CryptographicException("ECDSA signing gave no P1363 signature");
        return new SshWriter(90).WriteString(Algorithm).WriteBinary(EcdsaSignature.FromP1363(rs)).ToArray();
    }

    public void Dispose() => _key.Dispose();
}
