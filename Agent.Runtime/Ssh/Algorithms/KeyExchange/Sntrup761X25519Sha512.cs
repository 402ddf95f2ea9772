using System.Security.Cryptography;
using Agent.Runtime.Ssh.Wire;
using Org.BouncyCastle.Pqc.Crypto.NtruPrime;
using Org.BouncyCastle.Security;

namespace Agent.Runtime.Ssh.Algorithms.KeyExchange;

/// <summary>
/// sntrup761x25519-sha512 and sntrup761x25519-sha512@openssh.com (OpenSSH PROTOCOL, kexsntrup761x25519.c): the
/// client sends its Streamlined NTRU Prime 761 public key (1158 bytes) followed by an X25519 key; the server
/// replies with the KEM ciphertext (1039 bytes) followed by its X25519 key; K is the <c>string</c> of
/// SHA-512(KEM secret ‖ X25519 secret).
/// </summary>
public sealed class Sntrup761X25519Sha512 : IKeyExchangeMethod
{
    public const string StandardName = "sntrup761x25519-sha512";
    public const string OpenSshName = "sntrup761x25519-sha512@openssh.com";
    public const int PublicKeySize = 1158;
    public const int CiphertextSize = 1039;
    public const int KemSecretSize = 32;

    public Sntrup761X25519Sha512(string name = StandardName)
    {
        if (name is not (StandardName or OpenSshName))
            throw new ArgumentException($"'{name}' is not an sntrup761x25519-sha512 name", nameof(name));
        Name = name;
    }

    public string Name { get; }

    public HashAlgorithmName Hash => HashAlgorithmName.SHA512;

    public KeyExchangeResult Respond(ReadOnlySpan<byte> clientValue)
    {
        if (clientValue.Length != PublicKeySize + X25519Exchange.KeySize)
        {
            throw new SshProtocolException(
                DisconnectReason.KeyExchangeFailed,
                $"the client's {Name} value is {clientValue.Length} bytes, not {PublicKeySize + X25519Exchange.KeySize}");
        }

        var publicKey = new SNtruPrimePublicKeyParameters(SNtruPrimeParameters.sntrup761, clientValue[..PublicKeySize].ToArray());
        var encapsulated = new SNtruPrimeKemGenerator(new SecureRandom()).GenerateEncapsulated(publicKey);
        var kemSecret = encapsulated.GetSecret();
        var ciphertext = encapsulated.GetEncapsulation();
        if (kemSecret.Length != KemSecretSize || ciphertext.Length != CiphertextSize)
            throw new CryptographicException($"sntrup761 gave a {kemSecret.Length}-byte secret and a {ciphertext.Length}-byte ciphertext");

        var serverValue = new byte[CiphertextSize + X25519Exchange.KeySize];
        ciphertext.CopyTo(serverValue, 0);
        var ecdhSecret = X25519Exchange.Agree(clientValue[PublicKeySize..], serverValue.AsSpan(CiphertextSize));
        return new KeyExchangeResult(serverValue, HybridSecret.Encode(HashAlgorithmName.SHA512, kemSecret, ecdhSecret));
    }
}
