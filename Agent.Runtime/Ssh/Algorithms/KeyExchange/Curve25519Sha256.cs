using System.Security.Cryptography;
using Agent.Runtime.Ssh.Wire;

namespace Agent.Runtime.Ssh.Algorithms.KeyExchange;

/// <summary>
/// curve25519-sha256 and curve25519-sha256@libssh.org (RFC 8731): Q_C and Q_S are 32-byte X25519 keys; K is the
/// 32 bytes of the X25519 output read as an unsigned big-endian integer (no byte reversal, as RFC 8731 section 3
/// and OpenSSH do), sent as an <c>mpint</c>.
/// </summary>
public sealed class Curve25519Sha256 : IKeyExchangeMethod
{
    public const string StandardName = "curve25519-sha256";
    public const string LibsshName = "curve25519-sha256@libssh.org";

    public Curve25519Sha256(string name = StandardName)
    {
        if (name is not (StandardName or LibsshName))
            throw new ArgumentException($"'{name}' is not a curve25519-sha256 name", nameof(name));
        Name = name;
    }

    public string Name { get; }

    public HashAlgorithmName Hash => HashAlgorithmName.SHA256;

    public KeyExchangeResult Respond(ReadOnlySpan<byte> clientValue)
    {
        var serverPublic = new byte[X25519Exchange.KeySize];
        return Finish(serverPublic, X25519Exchange.Agree(clientValue, serverPublic));
    }

    /// <summary>As <see cref="Respond(ReadOnlySpan{byte})"/> with a given server private scalar (known-answer specs).</summary>
    internal static KeyExchangeResult RespondWith(ReadOnlySpan<byte> clientValue, ReadOnlySpan<byte> serverPrivateKey)
    {
        var serverPublic = new byte[X25519Exchange.KeySize];
        return Finish(serverPublic, X25519Exchange.Agree(clientValue, serverPublic, serverPrivateKey));
    }

    private static KeyExchangeResult Finish(byte[] serverPublic, byte[] secret)
    {
        try
        {
            var encoded = new SshWriter(40).WriteMpint(secret).ToArray();
            return new KeyExchangeResult(serverPublic, encoded);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }
}
