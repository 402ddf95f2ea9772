using System.Security.Cryptography;
using Agent.Runtime.Ssh.Keys;
using Agent.Runtime.Ssh.Wire;

namespace Agent.Specs.Runtime.Ssh.Keys;

public class Ed25519HostKeySpecs
{
    // RFC 8032 section 7.1, TEST 1.
    private static readonly byte[] Seed = Convert.FromHexString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    private static readonly byte[] PublicKey = Convert.FromHexString("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    private static readonly byte[] Signature = Convert.FromHexString(
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");

    [Fact]
    public void PublicKeyBlob_Rfc8032Test1_IsTypeAndKey()
    {
        var key = new Ed25519HostKey(Seed);

        var reader = new SshReader(key.PublicKeyBlob.Span);
        Assert.Equal("ssh-ed25519", reader.ReadString());
        Assert.Equal(PublicKey, reader.ReadBinary().ToArray());
        reader.EnsureEnd("blob");
        Assert.Equal("ssh-ed25519", key.KeyType);
        Assert.Equal(["ssh-ed25519"], key.SignatureAlgorithms);
    }

    [Fact]
    public void Sign_Rfc8032Test1_GivesTheVectorSignatureInABlob()
    {
        var key = new Ed25519HostKey(Seed);

        var blob = key.Sign("ssh-ed25519", []);

        var reader = new SshReader(blob);
        Assert.Equal("ssh-ed25519", reader.ReadString());
        Assert.Equal(Signature, reader.ReadBinary().ToArray());
        reader.EnsureEnd("signature");
    }

    [Fact]
    public void Fingerprint_IsUnpaddedBase64OfTheBlobHash()
    {
        var key = new Ed25519HostKey(Seed);

        var expected = "SHA256:" + Convert.ToBase64String(SHA256.HashData(key.PublicKeyBlob.Span)).TrimEnd('=');
        Assert.Equal(expected, key.Fingerprint);
        Assert.DoesNotContain("=", key.Fingerprint);
    }

    [Fact]
    public void Pkcs8_RoundTrip_KeepsTheKey()
    {
        var key = Ed25519HostKey.Generate();

        var again = Ed25519HostKey.ImportPkcs8PrivateKey(key.ExportPkcs8PrivateKey());

        Assert.Equal(key.PublicKeyBlob.ToArray(), again.PublicKeyBlob.ToArray());
    }

    [Fact]
    public void ImportPkcs8PrivateKey_Garbage_Throws()
    {
        var der = Ed25519HostKey.Generate().ExportPkcs8PrivateKey();
        der[8] ^= 1;

        Assert.Throws<CryptographicException>(() => Ed25519HostKey.ImportPkcs8PrivateKey(der));
        Assert.Throws<CryptographicException>(() => Ed25519HostKey.ImportPkcs8PrivateKey(der.AsSpan(0, 40)));
    }

    [Fact]
    public void Generate_TwoKeys_Differ()
    {
        Assert.NotEqual(Ed25519HostKey.Generate().Fingerprint, Ed25519HostKey.Generate().Fingerprint);
    }

    [Fact]
    public void Sign_OtherAlgorithm_Throws()
    {
        Assert.Throws<ArgumentException>(() => new Ed25519HostKey(Seed).Sign("rsa-sha2-256", [1, 2, 3]));
    }

    [Fact]
    public void ToOpenSshPublicKey_IsTypeBase64AndComment()
    {
        var key = new Ed25519HostKey(Seed);

        Assert.Equal("ssh-ed25519 " + Convert.ToBase64String(key.PublicKeyBlob.Span) + " host", key.ToOpenSshPublicKey("host"));
        Assert.Equal("ssh-ed25519 " + Convert.ToBase64String(key.PublicKeyBlob.Span), key.ToOpenSshPublicKey());
    }
}
