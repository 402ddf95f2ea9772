using System.Security.Cryptography;
using Agent.Runtime.Ssh.Algorithms.KeyExchange;
using Agent.Runtime.Ssh.Wire;

namespace Agent.Specs.Runtime.Ssh.Algorithms.KeyExchange;

public class EcdhSha2NistpSpecs
{
    public static TheoryData<string, int> Curves => new()
    {
        { "ecdh-sha2-nistp256", 32 },
        { "ecdh-sha2-nistp384", 48 },
        { "ecdh-sha2-nistp521", 66 },
    };

    [Theory]
    [MemberData(nameof(Curves))]
    public void Respond_ClientSide_DerivesTheSameK(string name, int size)
    {
        using var client = ECDiffieHellman.Create(CurveOf(name));
        var method = KeyExchangeMethods.Create(name);

        var result = method.Respond(Encode(client, size));

        Assert.Equal(1 + (2 * size), result.ServerValue.Length);
        Assert.Equal(0x04, result.ServerValue[0]);
        using var server = ECDiffieHellman.Create();
        server.ImportParameters(new ECParameters
        {
            Curve = CurveOf(name),
            Q = new ECPoint { X = result.ServerValue[1..(1 + size)], Y = result.ServerValue[(1 + size)..] },
        });
        var x = client.DeriveRawSecretAgreement(server.PublicKey);
        Assert.Equal(new SshWriter().WriteMpint(new System.Numerics.BigInteger(x, isUnsigned: true, isBigEndian: true)).ToArray(), result.EncodedSharedSecret);
        Assert.Equal(name, method.Name);
        Assert.Equal(name switch { "ecdh-sha2-nistp256" => HashAlgorithmName.SHA256, "ecdh-sha2-nistp384" => HashAlgorithmName.SHA384, _ => HashAlgorithmName.SHA512 }, method.Hash);
    }

    [Theory]
    [MemberData(nameof(Curves))]
    public void Respond_PointOffTheCurve_Fails(string name, int size)
    {
        using var client = ECDiffieHellman.Create(CurveOf(name));
        var value = Encode(client, size);
        value[^1] ^= 1;

        var error = Assert.Throws<SshProtocolException>(() => new EcdhSha2Nistp(name).Respond(value));

        Assert.Equal(DisconnectReason.KeyExchangeFailed, error.Reason);
    }

    [Theory]
    [MemberData(nameof(Curves))]
    public void Respond_CompressedShortOrZeroPoint_Fails(string name, int size)
    {
        using var client = ECDiffieHellman.Create(CurveOf(name));
        var value = Encode(client, size);
        var compressed = value.ToArray();
        compressed[0] = 0x02;
        var zero = new byte[value.Length];
        zero[0] = 0x04;

        Assert.Throws<SshProtocolException>(() => new EcdhSha2Nistp(name).Respond(compressed));
        Assert.Throws<SshProtocolException>(() => new EcdhSha2Nistp(name).Respond(value[..^1]));
        Assert.Throws<SshProtocolException>(() => new EcdhSha2Nistp(name).Respond([.. value, 0]));
        Assert.Throws<SshProtocolException>(() => new EcdhSha2Nistp(name).Respond(zero));
    }

    [Fact]
    public void Respond_PointOfAnotherCurve_Fails()
    {
        using var client = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP384);

        Assert.Throws<SshProtocolException>(() => new EcdhSha2Nistp("ecdh-sha2-nistp256").Respond(Encode(client, 48)[..65]));
    }

    [Fact]
    public void Constructor_UnknownName_Throws()
    {
        Assert.Throws<ArgumentException>(() => new EcdhSha2Nistp("ecdh-sha2-nistp224"));
    }

    private static ECCurve CurveOf(string name) => name switch
    {
        "ecdh-sha2-nistp256" => ECCurve.NamedCurves.nistP256,
        "ecdh-sha2-nistp384" => ECCurve.NamedCurves.nistP384,
        _ => ECCurve.NamedCurves.nistP521,
    };

    private static byte[] Encode(ECDiffieHellman key, int size)
    {
        var q = key.ExportParameters(false).Q;
        Assert.Equal(size, q.X!.Length);
        return [0x04, .. q.X, .. q.Y!];
    }
}
