using System.Security.Cryptography;
using Agent.Runtime.Ssh.Algorithms.KeyExchange;
using Agent.Runtime.Ssh.Wire;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Kems;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace Agent.Specs.Runtime.Ssh.Algorithms.KeyExchange;

public class MlKem768X25519Sha256Specs
{
    [Fact]
    public void Respond_ClientSide_DerivesTheSameK()
    {
        var (kemPrivate, kemPublic) = KemKeyPair();
        var (ecdhPrivate, ecdhPublic) = HybridClient.X25519KeyPair();
        var method = KeyExchangeMethods.Create("mlkem768x25519-sha256");

        var result = method.Respond([.. kemPublic, .. ecdhPublic]);

        Assert.Equal(1088 + 32, result.ServerValue.Length);
        var decapsulator = new MLKemDecapsulator(MLKemParameters.ml_kem_768);
        decapsulator.Init(kemPrivate);
        var kemSecret = new byte[32];
        decapsulator.Decapsulate(result.ServerValue.AsSpan(0, 1088), kemSecret);
        var ecdhSecret = HybridClient.X25519Secret(ecdhPrivate, result.ServerValue.AsSpan(1088));
        Assert.Equal(HybridClient.K(SHA256.HashData, kemSecret, ecdhSecret), result.EncodedSharedSecret);
        Assert.Equal(4 + 32, result.EncodedSharedSecret.Length);
        Assert.Equal(HashAlgorithmName.SHA256, method.Hash);
        Assert.Equal("mlkem768x25519-sha256", method.Name);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1184)]
    [InlineData(1184 + 31)]
    [InlineData(1184 + 33)]
    [InlineData(1158 + 32)]
    public void Respond_WrongLength_Fails(int length)
    {
        var error = Assert.Throws<SshProtocolException>(() => new MlKem768X25519Sha256().Respond(new byte[length]));

        Assert.Equal(DisconnectReason.KeyExchangeFailed, error.Reason);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1149)]
    [InlineData(1150)]
    public void Respond_CoefficientNotBelowQ_FailsTheModulusCheck(int index)
    {
        var (_, kemPublic) = KemKeyPair();
        var (_, ecdhPublic) = HybridClient.X25519KeyPair();
        Assert.True(MlKem768X25519Sha256.IsValidEncapsulationKey(kemPublic));
        // Set the coefficient whose 12 bits start in byte `index` to 0xfff (>= 3329).
        var group = index / 3 * 3;
        if (index % 3 == 0)
        {
            kemPublic[group] = 0xff;
            kemPublic[group + 1] |= 0x0f;
        }
        else
        {
            kemPublic[group + 1] |= 0xf0;
            kemPublic[group + 2] = 0xff;
        }

        var error = Assert.Throws<SshProtocolException>(() => new MlKem768X25519Sha256().Respond([.. kemPublic, .. ecdhPublic]));

        Assert.Equal(DisconnectReason.KeyExchangeFailed, error.Reason);
        Assert.False(MlKem768X25519Sha256.IsValidEncapsulationKey(kemPublic));
    }

    [Fact]
    public void IsValidEncapsulationKey_CoefficientQMinusOneAndRhoOfOnes_IsValid()
    {
        var key = new byte[1184];
        // The first coefficient of the pair is byte 0 plus the low nibble of byte 1: 0xd00 = 3328 = q - 1.
        key[0] = 0x00;
        key[1] = 0x0d;
        key[2] = 0x00;
        key.AsSpan(1152).Fill(0xff);

        Assert.True(MlKem768X25519Sha256.IsValidEncapsulationKey(key));
        key[0] = 0x01; // 3329 = q
        Assert.False(MlKem768X25519Sha256.IsValidEncapsulationKey(key));
    }

    [Fact]
    public void Respond_LowOrderX25519Key_Fails()
    {
        var (_, kemPublic) = KemKeyPair();

        var error = Assert.Throws<SshProtocolException>(() => new MlKem768X25519Sha256().Respond([.. kemPublic, .. new byte[32]]));

        Assert.Equal(DisconnectReason.KeyExchangeFailed, error.Reason);
    }

    private static (MLKemPrivateKeyParameters Private, byte[] Public) KemKeyPair()
    {
        var generator = new MLKemKeyPairGenerator();
        generator.Init(new MLKemKeyGenerationParameters(new SecureRandom(), MLKemParameters.ml_kem_768));
        var pair = generator.GenerateKeyPair();
        return ((MLKemPrivateKeyParameters)pair.Private, ((MLKemPublicKeyParameters)pair.Public).GetEncoded());
    }
}
