using System.Security.Cryptography;
using Agent.Runtime.Ssh.Wire;
using Org.BouncyCastle.Crypto.Kems;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace Agent.Runtime.Ssh.Algorithms.KeyExchange;

/// <summary>
/// mlkem768x25519-sha256 (draft-ietf-sshm-mlkem-hybrid-kex, OpenSSH kexmlkem768x25519.c): the client sends its
/// ML-KEM-768 encapsulation key (1184 bytes) followed by an X25519 key; the server replies with the ciphertext
/// (1088 bytes) followed by its X25519 key; K is the <c>string</c> of SHA-256(ML-KEM secret ‖ X25519 secret). The
/// encapsulation key gets FIPS 203's modulus check (every coefficient below q = 3329), as OpenSSH does.
/// </summary>
public sealed class MlKem768X25519Sha256 : IKeyExchangeMethod
{
    public const string MethodName = "mlkem768x25519-sha256";
    public const int EncapsulationKeySize = 1184;
    public const int CiphertextSize = 1088;
    public const int KemSecretSize = 32;
    private const int Modulus = 3329;
    private const int EncodedVectorSize = 1152;

    public string Name => MethodName;

    public HashAlgorithmName Hash => HashAlgorithmName.SHA256;

    /// <summary>FIPS 203 section 7.2's check: the 12-bit coefficients of the encoded vector are all below q.</summary>
    public static bool IsValidEncapsulationKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != EncapsulationKeySize)
            return false;
        for (var i = 0; i < EncodedVectorSize; i += 3)
        {
            var first = key[i] | ((key[i + 1] & 0x0f) << 8);
            var second = (key[i + 1] >> 4) | (key[i + 2] << 4);
            if (first >= Modulus || second >= Modulus)
                return false;
        }

        return true;
    }

    public KeyExchangeResult Respond(ReadOnlySpan<byte> clientValue)
    {
        if (clientValue.Length != EncapsulationKeySize + X25519Exchange.KeySize)
        {
            throw new SshProtocolException(
                DisconnectReason.KeyExchangeFailed,
                $"the client's {Name} value is {clientValue.Length} bytes, not {EncapsulationKeySize + X25519Exchange.KeySize}");
        }

        if (!IsValidEncapsulationKey(clientValue[..EncapsulationKeySize]))
            throw new SshProtocolException(DisconnectReason.KeyExchangeFailed, "the client's ML-KEM-768 encapsulation key fails the modulus check");

        var publicKey = MLKemPublicKeyParameters.FromEncoding(MLKemParameters.ml_kem_768, clientValue[..EncapsulationKeySize].ToArray());
        var encapsulator = new MLKemEncapsulator(MLKemParameters.ml_kem_768);
        encapsulator.Init(new ParametersWithRandom(publicKey, new SecureRandom()));
        var serverValue = new byte[CiphertextSize + X25519Exchange.KeySize];
        var kemSecret = new byte[KemSecretSize];
        encapsulator.Encapsulate(serverValue.AsSpan(0, CiphertextSize), kemSecret);

        var ecdhSecret = X25519Exchange.Agree(clientValue[EncapsulationKeySize..], serverValue.AsSpan(CiphertextSize));
        return new KeyExchangeResult(serverValue, HybridSecret.Encode(HashAlgorithmName.SHA256, kemSecret, ecdhSecret));
    }
}
