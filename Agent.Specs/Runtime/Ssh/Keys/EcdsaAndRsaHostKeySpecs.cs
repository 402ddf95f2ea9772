using System.Security.Cryptography;
using Agent.Runtime.Ssh.Keys;
using Agent.Runtime.Ssh.Wire;

namespace Agent.Specs.Runtime.Ssh.Keys;

public class EcdsaAndRsaHostKeySpecs
{
    [Fact]
    public void EcdsaHostKey_Sign_VerifiesWithDotNet()
    {
        using var key = EcdsaHostKey.Generate();
        var data = RandomNumberGenerator.GetBytes(100);

        var blob = key.Sign("ecdsa-sha2-nistp256", data);

        var reader = new SshReader(blob);
        Assert.Equal("ecdsa-sha2-nistp256", reader.ReadString());
        var inner = new SshReader(reader.ReadBinary());
        var r = inner.ReadMpint();
        var s = inner.ReadMpint();
        inner.EnsureEnd("signature");
        reader.EnsureEnd("blob");
        Assert.True(r.Sign > 0 && s.Sign > 0);
        byte[] p1363 = [.. Fixed(r, 32), .. Fixed(s, 32)];
        using var verifier = PublicKeyOf(key.PublicKeyBlob.Span);
        Assert.True(verifier.VerifyData(data, p1363, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    [Fact]
    public void EcdsaHostKey_Blob_IsTypeCurveAndUncompressedPoint()
    {
        using var key = EcdsaHostKey.Generate();

        var reader = new SshReader(key.PublicKeyBlob.Span);
        Assert.Equal("ecdsa-sha2-nistp256", reader.ReadString());
        Assert.Equal("nistp256", reader.ReadString());
        var q = reader.ReadBinary();
        Assert.Equal(65, q.Length);
        Assert.Equal(0x04, q[0]);
        reader.EnsureEnd("blob");
    }

    [Fact]
    public void EcdsaHostKey_OtherCurve_Throws()
    {
        Assert.Throws<CryptographicException>(() => new EcdsaHostKey(ECDsa.Create(ECCurve.NamedCurves.brainpoolP256r1)));
    }

    [Theory]
    [InlineData(384, "ecdsa-sha2-nistp384", "nistp384", 97)]
    [InlineData(521, "ecdsa-sha2-nistp521", "nistp521", 133)]
    public void EcdsaHostKey_P384AndP521_SignWithTheirHashAndVerify(int bits, string algorithm, string curveName, int pointLength)
    {
        using var key = new EcdsaHostKey(ECDsa.Create(bits == 384 ? ECCurve.NamedCurves.nistP384 : ECCurve.NamedCurves.nistP521));
        var data = RandomNumberGenerator.GetBytes(100);

        var signature = key.Sign(algorithm, data);

        Assert.Equal(algorithm, key.KeyType);
        Assert.Equal([algorithm], key.SignatureAlgorithms);
        var reader = new SshReader(key.PublicKeyBlob.Span);
        Assert.Equal(algorithm, reader.ReadString());
        Assert.Equal(curveName, reader.ReadString());
        Assert.Equal(pointLength, reader.ReadBinary().Length);
        Assert.True(SshPublicKey.Verify(key.PublicKeyBlob.Span, algorithm, data, signature));
        Assert.False(SshPublicKey.Verify(key.PublicKeyBlob.Span, algorithm, [.. data, 0], signature));
        Assert.Throws<ArgumentException>(() => key.Sign("ecdsa-sha2-nistp256", data));
    }

    [Theory]
    [InlineData("rsa-sha2-256")]
    [InlineData("rsa-sha2-512")]
    public void RsaHostKey_Sign_VerifiesWithDotNet(string algorithm)
    {
        using var key = RsaHostKey.Generate(2048);
        var data = RandomNumberGenerator.GetBytes(100);

        var blob = key.Sign(algorithm, data);

        var reader = new SshReader(blob);
        Assert.Equal(algorithm, reader.ReadString());
        var signature = reader.ReadBinary().ToArray();
        reader.EnsureEnd("blob");
        Assert.Equal(256, signature.Length);
        var keyReader = new SshReader(key.PublicKeyBlob.Span);
        Assert.Equal("ssh-rsa", keyReader.ReadString());
        var e = keyReader.ReadMpint();
        var n = keyReader.ReadMpint();
        keyReader.EnsureEnd("blob");
        using var rsa = RSA.Create(new RSAParameters { Exponent = e.ToByteArray(true, true), Modulus = n.ToByteArray(true, true) });
        var hash = algorithm == "rsa-sha2-256" ? HashAlgorithmName.SHA256 : HashAlgorithmName.SHA512;
        Assert.True(rsa.VerifyData(data, signature, hash, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public void RsaHostKey_Generated_Has3072BitsAndBothAlgorithms()
    {
        using var key = RsaHostKey.Generate();

        Assert.Equal(3072, key.KeySize);
        Assert.Equal(["rsa-sha2-512", "rsa-sha2-256"], key.SignatureAlgorithms);
        Assert.Throws<ArgumentException>(() => key.Sign("ssh-rsa", [1]));
    }

    [Fact]
    public void RsaHostKey_ShortKey_Throws()
    {
        Assert.Throws<CryptographicException>(() => new RsaHostKey(RSA.Create(1024)));
    }

    [Fact]
    public void Pkcs8_RoundTrip_KeepsEcdsaAndRsaKeys()
    {
        using var ecdsa = EcdsaHostKey.Generate();
        using var rsa = RsaHostKey.Generate(2048);

        using var ecdsaAgain = EcdsaHostKey.ImportPkcs8PrivateKey(ecdsa.ExportPkcs8PrivateKey());
        using var rsaAgain = RsaHostKey.ImportPkcs8PrivateKey(rsa.ExportPkcs8PrivateKey());

        Assert.Equal(ecdsa.Fingerprint, ecdsaAgain.Fingerprint);
        Assert.Equal(rsa.Fingerprint, rsaAgain.Fingerprint);
        Assert.Throws<CryptographicException>(() => EcdsaHostKey.ImportPkcs8PrivateKey(rsa.ExportPkcs8PrivateKey()));
    }

    private static byte[] Fixed(System.Numerics.BigInteger value, int size)
    {
        var bytes = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        return [.. new byte[size - bytes.Length], .. bytes];
    }

    private static ECDsa PublicKeyOf(ReadOnlySpan<byte> blob)
    {
        var reader = new SshReader(blob);
        reader.ReadString();
        reader.ReadString();
        var q = reader.ReadBinary();
        return ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = q[1..33].ToArray(), Y = q[33..].ToArray() } });
    }
}
