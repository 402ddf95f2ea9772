using System.Security.Cryptography;
using Agent.Runtime.Ssh.Wire;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math.EC.Rfc8032;

namespace Agent.Runtime.Ssh.Keys;

/// <summary>
/// An ssh-ed25519 host key (RFC 8709): public blob <c>string "ssh-ed25519", string key(32)</c>, signature blob
/// <c>string "ssh-ed25519", string signature(64)</c> (pure Ed25519, RFC 8032).
/// </summary>
public sealed class Ed25519HostKey : IStoredHostKey
{
    public const string Algorithm = "ssh-ed25519";
    public const int SeedSize = 32;

    // PKCS#8 PrivateKeyInfo of an Ed25519 key (RFC 8410 section 7): version 0, algorithm 1.3.101.112, and the
    // 32-byte seed as an OCTET STRING inside the privateKey OCTET STRING. The encoding is fixed-size.
    private static readonly byte[] Pkcs8Prefix = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];

    private readonly Ed25519PrivateKeyParameters _privateKey;
    private readonly byte[] _publicKeyBlob;

    /// <summary>A key from its 32-byte private seed.</summary>
    public Ed25519HostKey(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedSize)
            throw new ArgumentException($"an Ed25519 seed is {SeedSize} bytes, not {seed.Length}", nameof(seed));
        _privateKey = new Ed25519PrivateKeyParameters(seed);
        var publicKey = _privateKey.GeneratePublicKey().GetEncoded();
        _publicKeyBlob = new SshWriter(51).WriteString(Algorithm).WriteBinary(publicKey).ToArray();
        Fingerprint = KeyFingerprint.Sha256(_publicKeyBlob);
    }

    public string KeyType => Algorithm;

    public IReadOnlyList<string> SignatureAlgorithms { get; } = [Algorithm];

    public ReadOnlyMemory<byte> PublicKeyBlob => _publicKeyBlob;

    public string Fingerprint { get; }

    /// <summary>A new random key.</summary>
    public static Ed25519HostKey Generate()
    {
        Span<byte> seed = stackalloc byte[SeedSize];
        RandomNumberGenerator.Fill(seed);
        try
        {
            return new Ed25519HostKey(seed);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>Reads an unencrypted PKCS#8 Ed25519 private key (as <c>openssl genpkey -algorithm ed25519</c> writes, DER).</summary>
    /// <exception cref="CryptographicException">The data is not exactly such a key.</exception>
    public static Ed25519HostKey ImportPkcs8PrivateKey(ReadOnlySpan<byte> der)
    {
        if (der.Length != Pkcs8Prefix.Length + SeedSize || !der[..Pkcs8Prefix.Length].SequenceEqual(Pkcs8Prefix))
            throw new CryptographicException("not an unencrypted PKCS#8 Ed25519 private key");
        return new Ed25519HostKey(der[Pkcs8Prefix.Length..]);
    }

    /// <summary>
    /// Reads the key fields of OpenSSH's private-key format after the key type: <c>string public(32), string
    /// seed(32) ‖ public(32)</c>.
    /// </summary>
    /// <exception cref="CryptographicException">The fields are malformed, or the seed does not give the public key.</exception>
    public static Ed25519HostKey ReadOpenSsh(ref SshReader reader)
    {
        var publicKey = reader.ReadBinary();
        var both = reader.ReadBinary();
        if (publicKey.Length != Ed25519PublicKeyParameters.KeySize || both.Length != SeedSize + Ed25519PublicKeyParameters.KeySize
            || !both[SeedSize..].SequenceEqual(publicKey))
            throw new CryptographicException("the ssh-ed25519 key fields are not a 32-byte public key and its 64-byte private key");
        var key = new Ed25519HostKey(both[..SeedSize]);
        if (!key._publicKeyBlob.AsSpan(key._publicKeyBlob.Length - publicKey.Length).SequenceEqual(publicKey))
            throw new CryptographicException("the ssh-ed25519 private key does not belong to its public key");
        return key;
    }

    public void WritePrivateKey(SshWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<byte> both = stackalloc byte[SeedSize + Ed25519PublicKeyParameters.KeySize];
        try
        {
            _privateKey.Encode(both[..SeedSize]);
            _privateKey.GeneratePublicKey().Encode(both[SeedSize..]);
            writer.WriteString(Algorithm).WriteBinary(both[SeedSize..]).WriteBinary(both);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(both);
        }
    }

    public byte[] ExportPkcs8PrivateKey()
    {
        var der = new byte[Pkcs8Prefix.Length + SeedSize];
        Pkcs8Prefix.CopyTo(der, 0);
        _privateKey.Encode(der.AsSpan(Pkcs8Prefix.Length));
        return der;
    }

    public byte[] Sign(string signatureAlgorithm, ReadOnlySpan<byte> data)
    {
        if (signatureAlgorithm != Algorithm)
            throw new ArgumentException($"an Ed25519 key cannot sign with '{signatureAlgorithm}'", nameof(signatureAlgorithm));
        var signature = new byte[Ed25519PrivateKeyParameters.SignatureSize];
        _privateKey.Sign(Ed25519.Algorithm.Ed25519, null, data, signature);
        return new SshWriter(83).WriteString(Algorithm).WriteBinary(signature).ToArray();
    }
}
