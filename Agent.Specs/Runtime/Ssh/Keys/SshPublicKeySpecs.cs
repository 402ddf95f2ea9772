using System.Security.Cryptography;
using Agent.Runtime.Ssh.Keys;
using Agent.Runtime.Ssh.Wire;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math.EC.Rfc8032;

namespace Agent.Specs.Runtime.Ssh.Keys;

public class SshPublicKeySpecs
{
    [Fact]
    public void Verify_HostKeySignatures_AreAcceptedByTheClientVerifier()
    {
        var data = RandomNumberGenerator.GetBytes(64);
        using var ecdsa = EcdsaHostKey.Generate();
        using var rsa = RsaHostKey.Generate(2048);
        var ed25519 = Ed25519HostKey.Generate();

        Assert.True(SshPublicKey.Verify(ed25519.PublicKeyBlob.Span, "ssh-ed25519", data, ed25519.Sign("ssh-ed25519", data)));
        Assert.True(SshPublicKey.Verify(ecdsa.PublicKeyBlob.Span, "ecdsa-sha2-nistp256", data, ecdsa.Sign("ecdsa-sha2-nistp256", data)));
        Assert.True(SshPublicKey.Verify(rsa.PublicKeyBlob.Span, "rsa-sha2-256", data, rsa.Sign("rsa-sha2-256", data)));
        Assert.True(SshPublicKey.Verify(rsa.PublicKeyBlob.Span, "rsa-sha2-512", data, rsa.Sign("rsa-sha2-512", data)));
        Assert.False(SshPublicKey.Verify(ed25519.PublicKeyBlob.Span, "ssh-ed25519", [.. data, 0], ed25519.Sign("ssh-ed25519", data)));
        Assert.False(SshPublicKey.Verify(rsa.PublicKeyBlob.Span, "rsa-sha2-512", data, rsa.Sign("rsa-sha2-256", data)));
    }

    [Fact]
    public void Verify_Ed25519Rfc8032Test1_IsAccepted()
    {
        var publicKey = Convert.FromHexString("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        var signature = Convert.FromHexString(
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
        var blob = new SshWriter().WriteString("ssh-ed25519").WriteBinary(publicKey).ToArray();

        Assert.True(SshPublicKey.Verify(blob, "ssh-ed25519", [], Wrap("ssh-ed25519", signature)));
        signature[5] ^= 1;
        Assert.False(SshPublicKey.Verify(blob, "ssh-ed25519", [], Wrap("ssh-ed25519", signature)));
    }

    [Fact]
    public void Verify_Ed25519FromBouncyCastle_IsAccepted()
    {
        var privateKey = new Ed25519PrivateKeyParameters(new Org.BouncyCastle.Security.SecureRandom());
        var data = RandomNumberGenerator.GetBytes(40);
        var signature = new byte[64];
        privateKey.Sign(Ed25519.Algorithm.Ed25519, null, data, signature);
        var blob = new SshWriter().WriteString("ssh-ed25519").WriteBinary(privateKey.GeneratePublicKey().GetEncoded()).ToArray();

        Assert.True(SshPublicKey.Verify(blob, "ssh-ed25519", data, Wrap("ssh-ed25519", signature)));
    }

    [Theory]
    [InlineData("ecdsa-sha2-nistp256", "nistp256")]
    [InlineData("ecdsa-sha2-nistp384", "nistp384")]
    [InlineData("ecdsa-sha2-nistp521", "nistp521")]
    public void Verify_EcdsaFromDotNet_IsAccepted(string type, string curveName)
    {
        var (curve, hash) = curveName switch
        {
            "nistp256" => (ECCurve.NamedCurves.nistP256, HashAlgorithmName.SHA256),
            "nistp384" => (ECCurve.NamedCurves.nistP384, HashAlgorithmName.SHA384),
            _ => (ECCurve.NamedCurves.nistP521, HashAlgorithmName.SHA512),
        };
        using var key = ECDsa.Create(curve);
        var q = key.ExportParameters(false).Q;
        var blob = new SshWriter().WriteString(type).WriteString(curveName).WriteBinary([0x04, .. q.X!, .. q.Y!]).ToArray();
        var data = RandomNumberGenerator.GetBytes(77);
        var rs = key.SignData(data, hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var half = rs.Length / 2;
        var inner = new SshWriter().WriteMpint(rs.AsSpan(0, half)).WriteMpint(rs.AsSpan(half)).ToArray();

        var parsed = SshPublicKey.Parse(blob);

        Assert.Equal(type, parsed.KeyType);
        Assert.True(parsed.Verify(type, data, Wrap(type, inner)));
        Assert.False(parsed.Verify(type, [.. data, 1], Wrap(type, inner)));
        Assert.False(parsed.Verify("ecdsa-sha2-nistp256" == type ? "ecdsa-sha2-nistp384" : "ecdsa-sha2-nistp256", data, Wrap(type, inner)));
    }

    [Theory]
    [InlineData(2048)]
    [InlineData(4096)]
    public void Verify_RsaFromDotNet_IsAcceptedForSha2AndRefusedForSha1(int bits)
    {
        using var key = RSA.Create(bits);
        var blob = RsaBlob(key);
        var data = RandomNumberGenerator.GetBytes(90);

        var parsed = SshPublicKey.Parse(blob);

        Assert.Equal(bits, parsed.Bits);
        Assert.True(parsed.Verify("rsa-sha2-256", data, Wrap("rsa-sha2-256", key.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))));
        Assert.True(parsed.Verify("rsa-sha2-512", data, Wrap("rsa-sha2-512", key.SignData(data, HashAlgorithmName.SHA512, RSASignaturePadding.Pkcs1))));
        Assert.False(parsed.Verify("ssh-rsa", data, Wrap("ssh-rsa", key.SignData(data, HashAlgorithmName.SHA1, RSASignaturePadding.Pkcs1))));
        Assert.False(parsed.Verify("rsa-sha2-256", data, Wrap("rsa-sha2-512", key.SignData(data, HashAlgorithmName.SHA512, RSASignaturePadding.Pkcs1))));
        Assert.False(parsed.Allows("ssh-rsa"));
    }

    [Fact]
    public void Parse_Rsa1024_IsRefused()
    {
        using var key = RSA.Create(1024);

        var error = Assert.Throws<FormatException>(() => SshPublicKey.Parse(RsaBlob(key)));

        Assert.Contains("2048", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DsaAndUnknownTypes_AreRefused()
    {
        var dss = new SshWriter().WriteString("ssh-dss").WriteMpint(7).WriteMpint(11).WriteMpint(13).WriteMpint(17).ToArray();
        var sk = new SshWriter().WriteString("sk-ssh-ed25519@openssh.com").WriteBinary(new byte[32]).WriteString("ssh:").ToArray();

        Assert.Throws<FormatException>(() => SshPublicKey.Parse(dss));
        Assert.Throws<FormatException>(() => SshPublicKey.Parse(sk));
        Assert.False(SshPublicKey.Verify(dss, "ssh-dss", [], Wrap("ssh-dss", new byte[40])));
    }

    [Fact]
    public void Parse_MalformedBlobs_AreRefused()
    {
        var ed = Ed25519HostKey.Generate().PublicKeyBlob.ToArray();
        using var ecdsa = EcdsaHostKey.Generate();
        var ec = ecdsa.PublicKeyBlob.ToArray();
        var offCurve = ec.ToArray();
        offCurve[^1] ^= 1;
        var wrongCurve = new SshWriter().WriteString("ecdsa-sha2-nistp256").WriteString("nistp384").WriteBinary(ec.AsSpan(ec.Length - 65)).ToArray();

        Assert.Throws<FormatException>(() => SshPublicKey.Parse([]));
        Assert.Throws<FormatException>(() => SshPublicKey.Parse(ed[..^1]));
        Assert.Throws<FormatException>(() => SshPublicKey.Parse([.. ed, 0]));
        Assert.Throws<FormatException>(() => SshPublicKey.Parse(offCurve));
        Assert.Throws<FormatException>(() => SshPublicKey.Parse(wrongCurve));
    }

    [Fact]
    public void Verify_MalformedSignatureBlobs_AreFalseNotExceptions()
    {
        using var ecdsa = EcdsaHostKey.Generate();
        var blob = ecdsa.PublicKeyBlob.Span;
        var good = ecdsa.Sign("ecdsa-sha2-nistp256", [1, 2, 3]);

        Assert.True(SshPublicKey.Verify(blob, "ecdsa-sha2-nistp256", [1, 2, 3], good));
        Assert.False(SshPublicKey.Verify(blob, "ecdsa-sha2-nistp256", [1, 2, 3], good[..^1]));
        Assert.False(SshPublicKey.Verify(blob, "ecdsa-sha2-nistp256", [1, 2, 3], [.. good, 0]));
        Assert.False(SshPublicKey.Verify(blob, "ecdsa-sha2-nistp256", [1, 2, 3], []));
        Assert.False(SshPublicKey.Verify(blob, "ecdsa-sha2-nistp256", [1, 2, 3], Wrap("ecdsa-sha2-nistp256", new SshWriter().WriteMpint(0).WriteMpint(1).ToArray())));
        Assert.False(SshPublicKey.Verify(blob, "ecdsa-sha2-nistp256", [1, 2, 3], Wrap("ecdsa-sha2-nistp256", new byte[3])));
        Assert.False(SshPublicKey.Verify([1, 2], "ecdsa-sha2-nistp256", [1, 2, 3], good));
    }

    [Fact]
    public void Fingerprint_EqualsSshKeygenForGeneratedKeys()
    {
        using var dir = new Utilities.TempDirectory();
        foreach (var (type, bits) in new[] { ("ed25519", "256"), ("ecdsa", "384"), ("rsa", "3072") })
        {
            var file = dir.Combine(type);
            HostKeyStoreSpecs.Run("ssh-keygen", "-q", "-t", type, "-b", bits, "-N", "", "-C", "spec", "-f", file);
            var line = File.ReadAllText(file + ".pub").Split(' ');

            var key = SshPublicKey.Parse(Convert.FromBase64String(line[1]));

            Assert.Equal(HostKeyStoreSpecs.Run("ssh-keygen", "-l", "-f", file + ".pub").Split(' ')[1], key.Fingerprint);
            Assert.Equal(line[0], key.KeyType);
        }
    }

    internal static byte[] RsaBlob(RSA key)
    {
        var p = key.ExportParameters(false);
        return new SshWriter().WriteString("ssh-rsa").WriteMpint(p.Exponent).WriteMpint(p.Modulus).ToArray();
    }

    private static byte[] Wrap(string algorithm, byte[] signature) => new SshWriter().WriteString(algorithm).WriteBinary(signature).ToArray();
}
