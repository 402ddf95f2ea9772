using System.Security.Cryptography;
using Agent.Runtime.Ssh.Wire;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math.EC.Rfc8032;

namespace Agent.Runtime.Ssh.Keys;

/// <summary>
/// A client's public key for ssh-userauth publickey (RFC 4252 section 7): ssh-ed25519, ecdsa-sha2-nistp256/384/521
/// or ssh-rsa (at least 2048 bits), parsed and checked from its blob, and the signature check for ssh-ed25519,
/// ecdsa-sha2-*, rsa-sha2-256 and rsa-sha2-512. SHA-1 <c>ssh-rsa</c> signatures, DSA and certificates are refused.
/// </summary>
public sealed class SshPublicKey
{
    public const int MinimumRsaBits = 2048;
    public const int MaximumRsaBits = 16384;

    private readonly byte[] _blob;
    private readonly byte[]? _ed25519;
    private readonly ECParameters _ecdsa;
    private readonly RSAParameters _rsa;

    private SshPublicKey(string keyType, byte[] blob, int bits, byte[]? ed25519, ECParameters ecdsa, RSAParameters rsa)
    {
        KeyType = keyType;
        _blob = blob;
        Bits = bits;
        _ed25519 = ed25519;
        _ecdsa = ecdsa;
        _rsa = rsa;
        Fingerprint = KeyFingerprint.Sha256(blob);
    }

    /// <summary>The signature algorithms accepted for userauth, for <c>server-sig-algs</c> (RFC 8308).</summary>
    public static IReadOnlyList<string> SignatureAlgorithms { get; } =
        ["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "rsa-sha2-512", "rsa-sha2-256"];

    /// <summary>The key types this parser accepts.</summary>
    public static IReadOnlyList<string> KeyTypes { get; } =
        ["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa"];

    /// <summary>The key type named in the blob (<c>ssh-ed25519</c>, <c>ecdsa-sha2-nistp256</c>, <c>ssh-rsa</c>...).</summary>
    public string KeyType { get; }

    /// <summary>The key's size in bits (256 for Ed25519, the curve size for ECDSA, the modulus size for RSA).</summary>
    public int Bits { get; }

    /// <summary>The public key blob exactly as received.</summary>
    public ReadOnlyMemory<byte> Blob => _blob;

    /// <summary><c>SHA256:...</c> as <c>ssh-keygen -lf</c> prints it.</summary>
    public string Fingerprint { get; }

    /// <summary>Parses and checks a public key blob.</summary>
    /// <exception cref="FormatException">The blob is malformed, of an unsupported type, or an RSA key under 2048 bits.</exception>
    public static SshPublicKey Parse(ReadOnlySpan<byte> blob)
    {
        try
        {
            var reader = new SshReader(blob);
            var type = reader.ReadString();
            var key = type switch
            {
                "ssh-ed25519" => ParseEd25519(ref reader, blob),
                "ecdsa-sha2-nistp256" or "ecdsa-sha2-nistp384" or "ecdsa-sha2-nistp521" => ParseEcdsa(type, ref reader, blob),
                "ssh-rsa" => ParseRsa(ref reader, blob),
                _ => throw new FormatException($"unsupported public key type '{type}'"),
            };
            if (!reader.AtEnd)
                throw new FormatException($"{reader.Remaining} unexpected bytes after the {type} key");
            return key;
        }
        catch (SshProtocolException e)
        {
            throw new FormatException($"malformed public key blob: {e.Message}", e);
        }
    }

    /// <summary>Whether a blob names a certificate type (<c>*-cert-v01@openssh.com</c>).</summary>
    public static bool TypeIsCertificate(ReadOnlySpan<byte> blob) => SshCertificate.TypeOf(blob) is { } type && SshCertificate.IsCertificateType(type);

    /// <summary>As <see cref="Parse"/>, false instead of an exception.</summary>
    public static bool TryParse(ReadOnlySpan<byte> blob, out SshPublicKey? key, out string? error)
    {
        try
        {
            key = Parse(blob);
            error = null;
            return true;
        }
        catch (FormatException e)
        {
            key = null;
            error = e.Message;
            return false;
        }
    }

    /// <summary>
    /// Verifies a userauth or host signature. False when the blob is malformed, the algorithm is not one this key
    /// type may use, the blob names another algorithm, or the signature does not match; never throws for bad input.
    /// </summary>
    public static bool Verify(ReadOnlySpan<byte> publicKeyBlob, string signatureAlgorithm, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signatureBlob)
        => TryParse(publicKeyBlob, out var key, out _) && key!.Verify(signatureAlgorithm, data, signatureBlob);

    /// <summary>Whether this key type may sign with <paramref name="signatureAlgorithm"/> (ssh-rsa: rsa-sha2-256/512 only).</summary>
    public bool Allows(string signatureAlgorithm) => KeyType == "ssh-rsa"
        ? signatureAlgorithm is "rsa-sha2-256" or "rsa-sha2-512"
        : signatureAlgorithm == KeyType;

    /// <summary>The instance form of <see cref="Verify(ReadOnlySpan{byte}, string, ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>.</summary>
    public bool Verify(string signatureAlgorithm, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signatureBlob)
    {
        ArgumentNullException.ThrowIfNull(signatureAlgorithm);
        if (!Allows(signatureAlgorithm))
            return false;
        ReadOnlySpan<byte> signature;
        try
        {
            var reader = new SshReader(signatureBlob);
            if (reader.ReadString() != signatureAlgorithm)
                return false;
            signature = reader.ReadBinary();
            if (!reader.AtEnd)
                return false;
        }
        catch (SshProtocolException)
        {
            return false;
        }

        try
        {
            return signatureAlgorithm switch
            {
                "ssh-ed25519" => signature.Length == Ed25519.SignatureSize
                    && new Ed25519PublicKeyParameters(_ed25519!).Verify(Ed25519.Algorithm.Ed25519, null, data, signature),
                "rsa-sha2-256" => VerifyRsa(HashAlgorithmName.SHA256, data, signature),
                "rsa-sha2-512" => VerifyRsa(HashAlgorithmName.SHA512, data, signature),
                _ => VerifyEcdsa(data, signature),
            };
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static SshPublicKey ParseEd25519(ref SshReader reader, ReadOnlySpan<byte> blob)
    {
        var key = reader.ReadBinary();
        if (key.Length != Ed25519.PublicKeySize)
            throw new FormatException($"an ssh-ed25519 key is {Ed25519.PublicKeySize} bytes, not {key.Length}");
        var bytes = key.ToArray();
        if (!Ed25519.ValidatePublicKeyPartial(bytes, 0))
            throw new FormatException("the ssh-ed25519 key is not a point on the curve");
        return new SshPublicKey("ssh-ed25519", blob.ToArray(), 256, bytes, default, default);
    }

    private static SshPublicKey ParseEcdsa(string type, ref SshReader reader, ReadOnlySpan<byte> blob)
    {
        var (curveName, curve, size, bits) = type switch
        {
            "ecdsa-sha2-nistp256" => ("nistp256", ECCurve.NamedCurves.nistP256, 32, 256),
            "ecdsa-sha2-nistp384" => ("nistp384", ECCurve.NamedCurves.nistP384, 48, 384),
            _ => ("nistp521", ECCurve.NamedCurves.nistP521, 66, 521),
        };
        if (reader.ReadString() != curveName)
            throw new FormatException($"the {type} key names another curve");
        var q = reader.ReadBinary();
        if (q.Length != 1 + (2 * size) || q[0] != 0x04)
            throw new FormatException($"the {type} key is not an uncompressed point of {1 + (2 * size)} bytes");
        var parameters = new ECParameters
        {
            Curve = curve,
            Q = new ECPoint { X = q.Slice(1, size).ToArray(), Y = q.Slice(1 + size, size).ToArray() },
        };
        try
        {
            // Importing validates the point (on the curve, not infinity).
            using var check = ECDsa.Create(parameters);
        }
        catch (CryptographicException e)
        {
            throw new FormatException($"the {type} key is not a valid point: {e.Message}", e);
        }

        return new SshPublicKey(type, blob.ToArray(), bits, null, parameters, default);
    }

    private static SshPublicKey ParseRsa(ref SshReader reader, ReadOnlySpan<byte> blob)
    {
        var e = reader.ReadMpint();
        var n = reader.ReadMpint();
        if (e.Sign <= 0 || e.IsEven || e < 3 || n.Sign <= 0 || n.IsEven)
            throw new FormatException("the ssh-rsa key has an invalid exponent or modulus");
        var bits = (int)n.GetBitLength();
        if (bits < MinimumRsaBits)
            throw new FormatException($"the ssh-rsa key has {bits} bits, fewer than {MinimumRsaBits}");
        if (bits > MaximumRsaBits)
            throw new FormatException($"the ssh-rsa key has {bits} bits, more than {MaximumRsaBits}");
        var parameters = new RSAParameters
        {
            Exponent = e.ToByteArray(isUnsigned: true, isBigEndian: true),
            Modulus = n.ToByteArray(isUnsigned: true, isBigEndian: true),
        };
        return new SshPublicKey("ssh-rsa", blob.ToArray(), bits, null, default, parameters);
    }

    private bool VerifyRsa(HashAlgorithmName hash, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        var modulusBytes = _rsa.Modulus!.Length;
        if (signature.Length > modulusBytes || signature.IsEmpty)
            return false;

        // OpenSSH accepts a signature shorter than the modulus (leading zeros dropped) and pads it; so do we.
        var padded = new byte[modulusBytes];
        signature.CopyTo(padded.AsSpan(modulusBytes - signature.Length));
        using var rsa = RSA.Create(_rsa);
        return rsa.VerifyData(data, padded, hash, RSASignaturePadding.Pkcs1);
    }

    private bool VerifyEcdsa(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        var (size, hash) = Bits switch
        {
            256 => (32, HashAlgorithmName.SHA256),
            384 => (48, HashAlgorithmName.SHA384),
            _ => (66, HashAlgorithmName.SHA512),
        };
        if (!EcdsaSignature.TryToP1363(signature, size, out var rs))
            return false;
        using var ecdsa = ECDsa.Create(_ecdsa);
        return ecdsa.VerifyData(data, rs, hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }
}
