using System.Security.Cryptography;
using Agent.Runtime.Ssh.Wire;

namespace Agent.Runtime.Ssh.Keys;

/// <summary>
/// An RSA host key (key type ssh-rsa, RFC 4253 section 6.6: public blob <c>string "ssh-rsa", mpint e, mpint n</c>)
/// serving rsa-sha2-512 and rsa-sha2-256 (RFC 8332; no SHA-1 ssh-rsa signatures). Generated at 3072 bits; stored
/// as PKCS#8.
/// </summary>
public sealed class RsaHostKey : IStoredHostKey, IDisposable
{
    public const string Type = "ssh-rsa";
    public const string Sha512 = "rsa-sha2-512";
    public const string Sha256 = "rsa-sha2-256";
    public const int GeneratedBits = 3072;
    public const int MinimumBits = 2048;

    private readonly RSA _key;
    private readonly byte[] _publicKeyBlob;

    /// <summary>Takes ownership of <paramref name="key"/>, a private key of at least <see cref="MinimumBits"/> bits.</summary>
    public RsaHostKey(RSA key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.KeySize < MinimumBits)
            throw new CryptographicException($"the RSA host key has {key.KeySize} bits, fewer than {MinimumBits}");
        var parameters = key.ExportParameters(includePrivateParameters: false);
        _key = key;
        _publicKeyBlob = new SshWriter(parameters.Modulus!.Length + 32)
            .WriteString(Type)
            .WriteMpint(parameters.Exponent)
            .WriteMpint(parameters.Modulus)
            .ToArray();
        Fingerprint = KeyFingerprint.Sha256(_publicKeyBlob);
    }

    public string KeyType => Type;

    public IReadOnlyList<string> SignatureAlgorithms { get; } = [Sha512, Sha256];

    public ReadOnlyMemory<byte> PublicKeyBlob => _publicKeyBlob;

    public string Fingerprint { get; }

    public int KeySize => _key.KeySize;

    public static RsaHostKey Generate(int bits = GeneratedBits) => new(RSA.Create(bits));

    /// <summary>Reads an unencrypted PKCS#8 RSA private key (DER).</summary>
    /// <exception cref="CryptographicException">The data is not such a key, or the key is too short.</exception>
    public static RsaHostKey ImportPkcs8PrivateKey(ReadOnlySpan<byte> der)
    {
        var key = RSA.Create();
        try
        {
            key.ImportPkcs8PrivateKey(der, out var read);
            if (read != der.Length)
                throw new CryptographicException($"{der.Length - read} bytes follow the PKCS#8 key");
            return new RsaHostKey(key);
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
        var hash = signatureAlgorithm switch
        {
            Sha512 => HashAlgorithmName.SHA512,
            Sha256 => HashAlgorithmName.SHA256,
            _ => throw new ArgumentException($"an RSA host key signs with {Sha512} or {Sha256}, not '{signatureAlgorithm}'", nameof(signatureAlgorithm)),
        };
        var signature = _key.SignData(data, hash, RSASignaturePadding.Pkcs1);
        return new SshWriter(signature.Length + 24).WriteString(signatureAlgorithm).WriteBinary(signature).ToArray();
    }

    public void Dispose() => _key.Dispose();
}
