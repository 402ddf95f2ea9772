using System.Security.Cryptography;
using Agent.Runtime.Ssh.Algorithms.KeyExchange;
using Agent.Runtime.Ssh.Wire;
using Org.BouncyCastle.Pqc.Crypto.NtruPrime;
using Org.BouncyCastle.Security;

namespace Agent.Specs.Runtime.Ssh.Algorithms.KeyExchange;

public class Sntrup761X25519Sha512Specs
{
    [Theory]
    [InlineData(Sntrup761X25519Sha512.StandardName)]
    [InlineData(Sntrup761X25519Sha512.OpenSshName)]
    public void Respond_ClientSide_DerivesTheSameK(string name)
    {
        var generator = new SNtruPrimeKeyPairGenerator();
        generator.Init(new SNtruPrimeKeyGenerationParameters(new SecureRandom(), SNtruPrimeParameters.sntrup761));
        var kemPair = generator.GenerateKeyPair();
        var kemPublic = ((SNtruPrimePublicKeyParameters)kemPair.Public).GetEncoded();
        var (ecdhPrivate, ecdhPublic) = HybridClient.X25519KeyPair();
        Assert.Equal(1158, kemPublic.Length);
        var method = KeyExchangeMethods.Create(name);

        var result = method.Respond([.. kemPublic, .. ecdhPublic]);

        Assert.Equal(1039 + 32, result.ServerValue.Length);
        var kemSecret = new SNtruPrimeKemExtractor((SNtruPrimePrivateKeyParameters)kemPair.Private).ExtractSecret(result.ServerValue[..1039]);
        Assert.Equal(32, kemSecret.Length);
        var ecdhSecret = HybridClient.X25519Secret(ecdhPrivate, result.ServerValue.AsSpan(1039));
        Assert.Equal(HybridClient.K(SHA512.HashData, kemSecret, ecdhSecret), result.EncodedSharedSecret);
        Assert.Equal(4 + 64, result.EncodedSharedSecret.Length);
        Assert.Equal(name, method.Name);
        Assert.Equal(HashAlgorithmName.SHA512, method.Hash);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(32)]
    [InlineData(1158)]
    [InlineData(1158 + 31)]
    [InlineData(1158 + 33)]
    public void Respond_WrongLength_Fails(int length)
    {
        var error = Assert.Throws<SshProtocolException>(() => new Sntrup761X25519Sha512().Respond(new byte[length]));

        Assert.Equal(DisconnectReason.KeyExchangeFailed, error.Reason);
    }

    [Fact]
    public void Respond_LowOrderX25519Key_Fails()
    {
        var generator = new SNtruPrimeKeyPairGenerator();
        generator.Init(new SNtruPrimeKeyGenerationParameters(new SecureRandom(), SNtruPrimeParameters.sntrup761));
        var kemPublic = ((SNtruPrimePublicKeyParameters)generator.GenerateKeyPair().Public).GetEncoded();

        var error = Assert.Throws<SshProtocolException>(() => new Sntrup761X25519Sha512().Respond([.. kemPublic, .. new byte[32]]));

        Assert.Equal(DisconnectReason.KeyExchangeFailed, error.Reason);
    }
}
