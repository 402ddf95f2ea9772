using System.Numerics;
using System.Security.Cryptography;
using Agent.Runtime.Ssh.Wire;

namespace Agent.Runtime.Ssh.Keys;

/// <summary>
/// An RSA host key (key type ssh-rsa, RFC 4253 section 6.6: public blob <c>string "ssh-rsa", mpint e, mpint n</c>)
/// serving rsa-sha2-512 and rsa-sha2-256 (RFC 8332; no SHA-1 ssh-rsa signatures). Generated at 3072 bits.
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

    private delegate void ImportFunction(RSA key, ReadOnlySpan<byte> der, out int read);

    public string KeyType => Type;

    public IReadOnlyList<string> SignatureAlgorithms { get; } = [Sha512, Sha256];

    public ReadOnlyMemory<byte> PublicKeyBlob => _publicKeyBlob;

    public string Fingerprint { get; }

    public int KeySize => _key.KeySize;

    public static RsaHostKey Generate(int bits = GeneratedBits) => new(RSA.Create(bits));

    /// <summary>Reads an unencrypted PKCS#8 RSA private key (DER).</summary>
    /// <exception cref="CryptographicException">The data is not such a key, or the key is too short.</exception>
    public static RsaHostKey ImportPkcs8PrivateKey(ReadOnlySpan<byte> der)
        => Import(der, static (RSA key, ReadOnlySpan<byte> data, out int read) => key.ImportPkcs8PrivateKey(data, out read), "PKCS#8");

    /// <summary>Reads an unencrypted PKCS#1 RSAPrivateKey (DER, as in <c>-----BEGIN RSA PRIVATE KEY-----</c>).</summary>
    /// <exception cref="CryptographicException">The data is not such a key, or the key is too short.</exception>
    public static RsaHostKey ImportRSAPrivateKey(ReadOnlySpan<byte> der)
        => Import(der, static (RSA key, ReadOnlySpan<byte> data, out int read) => key.ImportRSAPrivateKey(data, out read), "PKCS#1");

    /// <summary>
    /// Reads the key fields of OpenSSH's private-key format after the key type: <c>mpint n, mpint e, mpint d,
    /// mpint iqmp, mpint p, mpint q</c>.
    /// </summary>
    /// <exception cref="CryptographicException">The fields are not a valid RSA key of at least <see cref="MinimumBits"/> bits.</exception>
    public static RsaHostKey ReadOpenSsh(ref SshReader reader)
    {
        var n = reader.ReadMpint();
        var e = reader.ReadMpint();
        var d = reader.ReadMpint();
        var iqmp = reader.ReadMpint();
        var p = reader.ReadMpint();
        var q = reader.ReadMpint();
        if (n.Sign <= 0 || e.Sign <= 0 || d.Sign <= 0 || iqmp.Sign <= 0 || p <= BigInteger.One || q <= BigInteger.One || p * q != n)
            throw new CryptographicException("the RSA key's numbers are not a key (n is not p × q, or one is not positive)");
        var size = n.GetByteCount(isUnsigned: true);
        var half = (size + 1) / 2;
        var parameters = new RSAParameters
        {
            Modulus = Fixed(n, size),
            Exponent = e.ToByteArray(isUnsigned: true, isBigEndian: true),
            D = Fixed(d, size),
            P = Fixed(p, half),
            Q = Fixed(q, half),
            DP = Fixed(d % (p - 1), half),
            DQ = Fixed(d % (q - 1), half),
            InverseQ = Fixed(iqmp, half),
        };
        var key = RSA.Create();
        try
        {
            key.ImportParameters(parameters);
            return new RsaHostKey(key);
        }
        catch
        {
            key.Dispose();
            throw;
        }
        finally
        {
            Clear(parameters);
        }
    }

    public byte[] ExportPkcs8PrivateKey() => _key.ExportPkcs8PrivateKey();

    public void WritePrivateKey(SshWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var parameters = _key.ExportParameters(includePrivateParameters: true);
        try
        {
            writer.WriteString(Type)
                .WriteMpint(parameters.Modulus)
                .WriteMpint(parameters.Exponent)
                .WriteMpint(parameters.D)
                .WriteMpint(parameters.InverseQ)
                .WriteMpint(parameters.P)
                .WriteMpint(parameters.Q);
        }
        finally
        {
            Clear(parameters);
        }
    }

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

    private static RsaHostKey Import(ReadOnlySpan<byte> der, ImportFunction import, string format)
    {
        var key = RSA.Create();
        try
        {
            import(key, der, out var read);
            if (read != der.Length)
                throw new CryptographicException($"{der.Length - read} bytes follow the {format} key");
            return new RsaHostKey(key);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    private static byte[] Fixed(BigInteger value, int size)
    {
        var count = value.GetByteCount(isUnsigned: true);
        if (count > size)
            throw new CryptographicException("an RSA key number is longer than the modulus allows");
        var bytes = new byte[size];
        value.TryWriteBytes(bytes.AsSpan(size - count), out _, isUnsigned: true, isBigEndian: true);
        return bytes;
    }

    private static void Clear(RSAParameters parameters)
    {
        CryptographicOperations.ZeroMemory(parameters.D);
        CryptographicOperations.ZeroMemory(parameters.P);
        CryptographicOperations.ZeroMemory(parameters.Q);
        CryptographicOperations.ZeroMemory(parameters.DP);
        CryptographicOperations.ZeroMemory(parameters.DQ);
        CryptographicOperations.ZeroMemory(parameters.InverseQ);
    }
}
