using Agent.Runtime.Ssh.Algorithms.KeyExchange;
using Agent.Runtime.Ssh.Wire;
using Org.BouncyCastle.Math.EC.Rfc7748;

namespace Agent.Specs.Runtime.Ssh.Algorithms.KeyExchange;

public class Curve25519Sha256Specs
{
    // RFC 7748 section 6.1.
    private static readonly byte[] AlicePrivate = Convert.FromHexString("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    private static readonly byte[] AlicePublic = Convert.FromHexString("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    private static readonly byte[] BobPrivate = Convert.FromHexString("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    private static readonly byte[] BobPublic = Convert.FromHexString("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    private const string SharedHex = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";

    [Fact]
    public void Respond_Rfc7748Vector_GivesBobsKeyAndTheSecretAsMpint()
    {
        var result = Curve25519Sha256.RespondWith(AlicePublic, BobPrivate);

        Assert.Equal(BobPublic, result.ServerValue);
        // RFC 8731: the 32 output bytes read big-endian as they are; 0x4a has no high bit, so no padding byte.
        Assert.Equal("00000020" + SharedHex, Convert.ToHexString(result.EncodedSharedSecret).ToLowerInvariant());
    }

    [Fact]
    public void Respond_SecretWithHighBit_GetsAZeroPaddingByte()
    {
        // Find a client key whose shared secret with Bob starts with a byte >= 0x80, then one starting with 0x00.
        var padded = false;
        var stripped = false;
        for (var i = 1; i < 20_000 && !(padded && stripped); i++)
        {
            var clientPrivate = new byte[32];
            clientPrivate[0] = (byte)i;
            clientPrivate[1] = (byte)(i >> 8);
            clientPrivate[31] = 0x40;
            var clientPublic = new byte[32];
            X25519.ScalarMultBase(clientPrivate, clientPublic);
            var shared = new byte[32];
            X25519.ScalarMult(BobPrivate, clientPublic, shared);

            var encoded = Curve25519Sha256.RespondWith(clientPublic, BobPrivate).EncodedSharedSecret;

            Assert.Equal(new SshWriter().WriteMpint(new System.Numerics.BigInteger(shared, isUnsigned: true, isBigEndian: true)).ToArray(), encoded);
            padded |= shared[0] >= 0x80;
            stripped |= shared[0] == 0;
        }

        Assert.True(padded && stripped);
    }

    [Theory]
    [InlineData(Curve25519Sha256.StandardName)]
    [InlineData(Curve25519Sha256.LibsshName)]
    public void Respond_ClientSide_DerivesTheSameK(string name)
    {
        var clientPrivate = new byte[32];
        Random.Shared.NextBytes(clientPrivate);
        var clientPublic = new byte[32];
        X25519.ScalarMultBase(clientPrivate, clientPublic);
        var method = KeyExchangeMethods.Create(name);

        var result = method.Respond(clientPublic);

        var shared = new byte[32];
        Assert.True(X25519.CalculateAgreement(clientPrivate, result.ServerValue, shared));
        Assert.Equal(new SshWriter().WriteMpint(shared).ToArray(), result.EncodedSharedSecret);
        Assert.Equal(name, method.Name);
        Assert.Equal(System.Security.Cryptography.HashAlgorithmName.SHA256, method.Hash);
    }

    [Fact]
    public void Respond_TwoExchanges_UseFreshServerKeys()
    {
        var first = new Curve25519Sha256().Respond(AlicePublic);
        var second = new Curve25519Sha256().Respond(AlicePublic);

        Assert.NotEqual(first.ServerValue, second.ServerValue);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(65)]
    public void Respond_WrongLength_Fails(int length)
    {
        var error = Assert.Throws<SshProtocolException>(() => new Curve25519Sha256().Respond(new byte[length]));

        Assert.Equal(DisconnectReason.KeyExchangeFailed, error.Reason);
    }

    [Theory]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("0100000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800")]
    [InlineData("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")]
    public void Respond_LowOrderClientKey_FailsOnTheAllZeroSecret(string clientHex)
    {
        var error = Assert.Throws<SshProtocolException>(() => new Curve25519Sha256().Respond(Convert.FromHexString(clientHex)));

        Assert.Equal(DisconnectReason.KeyExchangeFailed, error.Reason);
    }

    [Fact]
    public void Constructor_OtherName_Throws()
    {
        Assert.Throws<ArgumentException>(() => new Curve25519Sha256("ecdh-sha2-nistp256"));
    }

    [Fact]
    public void Respond_AlicesSide_MatchesTheRfcSecret()
    {
        var shared = new byte[32];
        X25519.ScalarMult(AlicePrivate, BobPublic, shared);

        Assert.Equal(SharedHex, Convert.ToHexString(shared).ToLowerInvariant());
    }
}
