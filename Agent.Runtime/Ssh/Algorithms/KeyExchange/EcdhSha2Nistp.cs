using System.Security.Cryptography;
using Agent.Runtime.Ssh.Wire;

namespace Agent.Runtime.Ssh.Algorithms.KeyExchange;

/// <summary>
/// ecdh-sha2-nistp256/384/521 (RFC 5656 section 4): Q_C and Q_S are uncompressed points (0x04 ‖ X ‖ Y); the client's
/// point is checked to be on the curve (RFC 5656 section 4 requires public key validation); K is the <c>mpint</c> of
/// the shared point's x coordinate.
/// </summary>
public sealed class EcdhSha2Nistp : IKeyExchangeMethod
{
    public const string Nistp256 = "ecdh-sha2-nistp256";
    public const string Nistp384 = "ecdh-sha2-nistp384";
    public const string Nistp521 = "ecdh-sha2-nistp521";

    private readonly ECCurve _curve;
    private readonly int _coordinateSize;

    public EcdhSha2Nistp(string name)
    {
        (_curve, _coordinateSize, Hash) = name switch
        {
            Nistp256 => (ECCurve.NamedCurves.nistP256, 32, HashAlgorithmName.SHA256),
            Nistp384 => (ECCurve.NamedCurves.nistP384, 48, HashAlgorithmName.SHA384),
            Nistp521 => (ECCurve.NamedCurves.nistP521, 66, HashAlgorithmName.SHA512),
            _ => throw new ArgumentException($"'{name}' is not an ecdh-sha2-nistp name", nameof(name)),
        };
        Name = name;
    }

    public string Name { get; }

    public HashAlgorithmName Hash { get; }

    public KeyExchangeResult Respond(ReadOnlySpan<byte> clientValue)
    {
        if (clientValue.Length != 1 + (2 * _coordinateSize) || clientValue[0] != 0x04)
        {
            throw new SshProtocolException(
                DisconnectReason.KeyExchangeFailed,
                $"the client's {Name} key is not an uncompressed point of {1 + (2 * _coordinateSize)} bytes");
        }

        using var peer = ImportPeer(clientValue);
        using var server = ECDiffieHellman.Create(_curve);
        var serverPoint = server.ExportParameters(includePrivateParameters: false).Q;
        var serverValue = new byte[1 + (2 * _coordinateSize)];
        serverValue[0] = 0x04;
        serverPoint.X!.CopyTo(serverValue, 1);
        serverPoint.Y!.CopyTo(serverValue, 1 + _coordinateSize);

        var secret = server.DeriveRawSecretAgreement(peer.PublicKey);
        try
        {
            return new KeyExchangeResult(serverValue, new SshWriter(_coordinateSize + 5).WriteMpint(secret).ToArray());
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    private ECDiffieHellman ImportPeer(ReadOnlySpan<byte> point)
    {
        var parameters = new ECParameters
        {
            Curve = _curve,
            Q = new ECPoint
            {
                X = point.Slice(1, _coordinateSize).ToArray(),
                Y = point.Slice(1 + _coordinateSize, _coordinateSize).ToArray(),
            },
        };
        var peer = ECDiffieHellman.Create();
        try
        {
            // ImportParameters validates the point (on the curve, not the point at infinity) and throws otherwise.
            peer.ImportParameters(parameters);
            return peer;
        }
        catch (CryptographicException e)
        {
            peer.Dispose();
            throw new SshProtocolException(DisconnectReason.KeyExchangeFailed, $"the client's {Name} key is not a point on the curve ({e.Message})");
        }
    }
}
