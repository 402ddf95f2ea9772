using System.Security.Cryptography;
using Agent.Runtime.Ssh.Keys;
using Agent.Specs.Utilities;

namespace Agent.Specs.Runtime.Ssh.Keys;

public class HostKeyFileSpecs
{
    [Theory]
    [InlineData("ed25519", "256", "RFC4716", "-----BEGIN OPENSSH PRIVATE KEY-----", "ssh-ed25519")]
    [InlineData("ecdsa", "256", "RFC4716", "-----BEGIN OPENSSH PRIVATE KEY-----", "ecdsa-sha2-nistp256")]
    [InlineData("ecdsa", "384", "RFC4716", "-----BEGIN OPENSSH PRIVATE KEY-----", "ecdsa-sha2-nistp384")]
    [InlineData("ecdsa", "521", "RFC4716", "-----BEGIN OPENSSH PRIVATE KEY-----", "ecdsa-sha2-nistp521")]
    [InlineData("rsa", "2048", "RFC4716", "-----BEGIN OPENSSH PRIVATE KEY-----", "ssh-rsa")]
    [InlineData("rsa", "3072", "PEM", "-----BEGIN RSA PRIVATE KEY-----", "ssh-rsa")]
    [InlineData("ecdsa", "384", "PEM", "-----BEGIN EC PRIVATE KEY-----", "ecdsa-sha2-nistp384")]
    [InlineData("ecdsa", "521", "PKCS8", "-----BEGIN PRIVATE KEY-----", "ecdsa-sha2-nistp521")]
    [InlineData("rsa", "2048", "PKCS8", "-----BEGIN PRIVATE KEY-----", "ssh-rsa")]
    public void Read_SshKeygenKey_HasSshKeygensFingerprint(string type, string bits, string format, string firstLine, string keyType)
    {
        using var directory = new TempDirectory();
        var file = directory.Combine("key");
        HostKeyStoreSpecs.Run("ssh-keygen", "-q", "-t", type, "-b", bits, "-m", format, "-N", string.Empty, "-f", file);
        Assert.StartsWith(firstLine, File.ReadAllText(file), StringComparison.Ordinal);

        var key = HostKeyFile.Read(file);

        Assert.Equal(keyType, key.KeyType);
        Assert.Equal(HostKeyStoreSpecs.Run("ssh-keygen", "-l", "-f", file + ".pub").Split(' ')[1], key.Fingerprint);
        (key as IDisposable)?.Dispose();
    }

    [Fact]
    public void Read_OpensslEcKeyWithParametersBlock_ReadsTheKey()
    {
        using var directory = new TempDirectory();
        var file = directory.Combine("key");
        HostKeyStoreSpecs.Run("openssl", "ecparam", "-genkey", "-name", "secp521r1", "-out", file);
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        using var key = (EcdsaHostKey)HostKeyFile.Read(file);

        Assert.Equal("ecdsa-sha2-nistp521", key.KeyType);
        Assert.Equal(HostKeyStoreSpecs.Run("ssh-keygen", "-y", "-f", file).Trim(), key.ToOpenSshPublicKey());
    }

    [Fact]
    public void Read_Pkcs8Ed25519_ReadsTheKey()
    {
        using var directory = new TempDirectory();
        var file = directory.Combine("key");
        HostKeyStoreSpecs.Run("openssl", "genpkey", "-algorithm", "ed25519", "-out", file);
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var key = HostKeyFile.Read(file);

        Assert.Equal("ssh-ed25519", key.KeyType);
    }

    [Theory]
    [InlineData("ed25519", "RFC4716", "is encrypted (cipher aes256-ctr, kdf bcrypt)")]
    [InlineData("rsa", "PEM", "is an encrypted PEM key")]
    [InlineData("ecdsa", "PKCS8", "is an encrypted PKCS#8 key")]
    public void Read_EncryptedKey_ThrowsNamingTheFile(string type, string format, string reason)
    {
        using var directory = new TempDirectory();
        var file = directory.Combine("key");
        HostKeyStoreSpecs.Run("ssh-keygen", "-q", "-t", type, "-m", format, "-N", "passphrase", "-f", file);

        var error = Assert.Throws<HostKeyFileException>(() => HostKeyFile.Read(file));

        Assert.StartsWith($"the SSH host key file {file} {reason}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_KeyFileOfAnotherUser_IsRefused()
    {
        using var directory = new TempDirectory();
        var file = directory.Combine("key");
        HostKeyStoreSpecs.Run("ssh-keygen", "-q", "-t", "ed25519", "-N", string.Empty, "-f", file);
        HostKeyStoreSpecs.Run("chown", "4242", file);

        var error = Assert.Throws<HostKeyFileException>(() => HostKeyFile.Read(file));

        Assert.StartsWith($"the SSH host key file {file} belongs to user 4242, not to this user", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MissingFile_ThrowsNamingTheFile()
    {
        using var directory = new TempDirectory();

        var error = Assert.Throws<HostKeyFileException>(() => HostKeyFile.Read(directory.Combine("absent")));

        Assert.StartsWith($"the SSH host key file {directory.Combine("absent")} cannot be read", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TooLargeFile_IsRefused()
    {
        using var directory = new TempDirectory();
        var file = directory.Combine("key");
        File.WriteAllBytes(file, new byte[HostKeyFile.MaxBytes + 1]);
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var error = Assert.Throws<HostKeyFileException>(() => HostKeyFile.Read(file));

        Assert.Contains("more than", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_Directory_IsRefused()
    {
        using var directory = new TempDirectory();

        Assert.Throws<HostKeyFileException>(() => HostKeyFile.Read(directory.Path));
    }

    [Theory]
    [InlineData(256)]
    [InlineData(384)]
    [InlineData(521)]
    public void OpenSshFormat_WrittenEcdsaKey_IsReadBackAndBySshKeygen(int bits)
    {
        using var directory = new TempDirectory();
        var curve = bits switch { 256 => ECCurve.NamedCurves.nistP256, 384 => ECCurve.NamedCurves.nistP384, _ => ECCurve.NamedCurves.nistP521 };
        using var key = new EcdsaHostKey(ECDsa.Create(curve));
        var file = directory.Combine("key");

        Assert.True(HostKeyFile.TryCreate(file, key));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Equal(key.ToOpenSshPublicKey(), HostKeyStoreSpecs.Run("ssh-keygen", "-y", "-f", file).Trim());
        using var again = (EcdsaHostKey)HostKeyFile.Read(file);
        Assert.Equal(key.Fingerprint, again.Fingerprint);
        Assert.False(HostKeyFile.TryCreate(file, key));
    }

    [Fact]
    public void OpenSshFormat_WrittenRsaAndEd25519Keys_AreReadBack()
    {
        using var rsa = RsaHostKey.Generate(2048);
        var ed25519 = Ed25519HostKey.Generate();

        using var rsaAgain = (RsaHostKey)OpenSshPrivateKeyFormat.Read(OpenSshPrivateKeyFormat.Write(rsa, "a comment"));
        var ed25519Again = OpenSshPrivateKeyFormat.Read(OpenSshPrivateKeyFormat.Write(ed25519));

        Assert.Equal(rsa.Fingerprint, rsaAgain.Fingerprint);
        Assert.Equal(ed25519.Fingerprint, ed25519Again.Fingerprint);
        var data = RandomNumberGenerator.GetBytes(64);
        Assert.True(SshPublicKey.Verify(rsa.PublicKeyBlob.Span, "rsa-sha2-512", data, rsaAgain.Sign("rsa-sha2-512", data)));
        Assert.True(SshPublicKey.Verify(ed25519.PublicKeyBlob.Span, "ssh-ed25519", data, ed25519Again.Sign("ssh-ed25519", data)));
    }

    [Fact]
    public void OpenSshFormat_PublicKeyOfAnotherKey_IsRefused()
    {
        var text = OpenSshPrivateKeyFormat.Write(Ed25519HostKey.Generate());
        var other = OpenSshPrivateKeyFormat.Write(Ed25519HostKey.Generate());
        var bytes = Convert.FromBase64String(string.Concat(text.Split('\n')[1..^2]));
        var otherBytes = Convert.FromBase64String(string.Concat(other.Split('\n')[1..^2]));

        // The public key blob (51 bytes) starts after magic(15), "none"(8), "none"(8), kdf options(4), count(4), length(4).
        otherBytes.AsSpan(43, 51).CopyTo(bytes.AsSpan(43, 51));
        var mixed = $"-----BEGIN OPENSSH PRIVATE KEY-----\n{Convert.ToBase64String(bytes)}\n-----END OPENSSH PRIVATE KEY-----\n";

        var error = Assert.Throws<InvalidDataException>(() => OpenSshPrivateKeyFormat.Read(mixed));
        Assert.Contains("not the private key's", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EcdsaReadOpenSsh_ScalarOfAnotherKey_IsRefused()
    {
        using var one = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var two = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var q = one.ExportParameters(false).Q;
        var fields = new Agent.Runtime.Ssh.Wire.SshWriter()
            .WriteString("nistp384")
            .WriteBinary([0x04, .. q.X!, .. q.Y!])
            .WriteMpint(two.ExportParameters(true).D)
            .ToArray();

        Assert.ThrowsAny<CryptographicException>(() =>
        {
            var reader = new Agent.Runtime.Ssh.Wire.SshReader(fields);
            EcdsaHostKey.ReadOpenSsh("ecdsa-sha2-nistp384", ref reader).Dispose();
        });
    }
}
