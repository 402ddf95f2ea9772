using System.Security.Cryptography;
using Agent.Runtime.Ssh.Auth;
using Agent.Runtime.Ssh.Keys;
using Agent.Specs.Runtime.Ssh.Keys;
using Agent.Specs.Utilities;

namespace Agent.Specs.Runtime.Ssh.Auth;

public class AuthorizedKeysSpecs
{
    [Fact]
    public void Load_SshKeygenPublicKeys_ParsesEveryType()
    {
        using var dir = new TempDirectory();
        var lines = new List<string>();
        foreach (var (type, bits) in new[] { ("ed25519", "256"), ("ecdsa", "256"), ("ecdsa", "521"), ("rsa", "2048") })
        {
            var file = dir.Combine(type + bits);
            HostKeyStoreSpecs.Run("ssh-keygen", "-q", "-t", type, "-b", bits, "-N", "", "-C", "user@" + type, "-f", file);
            lines.Add(File.ReadAllText(file + ".pub").Trim());
        }

        File.WriteAllText(dir.Combine("authorized_keys"), "# keys\n\n" + string.Join("\n", lines) + "\n");
        var logger = new RecordingLogger();

        var keys = AuthorizedKeys.Load(dir.Combine("authorized_keys"), logger);

        Assert.Equal(["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp521", "ssh-rsa"], keys.Select(k => k.Key.KeyType));
        Assert.Equal([3, 4, 5, 6], keys.Select(k => k.LineNumber));
        Assert.Equal("user@ed25519", keys[0].Comment);
        Assert.True(keys[0].Matches(Convert.FromBase64String(lines[0].Split(' ')[1])));
        Assert.False(keys[0].Matches(Convert.FromBase64String(lines[1].Split(' ')[1])));
        Assert.Empty(logger.Warnings);
    }

    [Fact]
    public void Parse_OptionsWithQuotedSpaces_AreParsed()
    {
        var key = Ed25519HostKey.Generate();
        var text = $"command=\"echo \\\"hi there\\\"\",no-pty,from=\"10.0.0.1\" {key.ToOpenSshPublicKey("me")}\r\n"
            + $"restrict {key.ToOpenSshPublicKey()}\n";
        var logger = new RecordingLogger();

        var keys = AuthorizedKeys.Parse(text, logger);

        Assert.Equal(2, keys.Count);
        Assert.Equal("echo \"hi there\"", keys[0].Options.Restrictions.ForcedCommand);
        Assert.False(keys[0].Options.Restrictions.Pty);
        Assert.True(keys[0].Options.Restrictions.PortForwarding);
        Assert.Equal("10.0.0.1", keys[0].Options.FromText);
        Assert.Equal(LoginRestrictions.Restricted, keys[1].Options.Restrictions);
        Assert.Equal("me", keys[0].Comment);
        Assert.Null(keys[1].Comment);
        Assert.Empty(logger.Warnings);
    }

    [Theory]
    [InlineData("ssh-dss AAAAB3NzaC1kc3MAAACBAP= x")]
    [InlineData("ssh-ed25519 not-base64!!")]
    [InlineData("ssh-ed25519")]
    [InlineData("command=\"unterminated ssh-ed25519 AAAA")]
    [InlineData("no-pty")]
    [InlineData("sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29tAAAAIA==")]
    public void Parse_UnparseableLine_IsSkippedWithAWarning(string line)
    {
        var logger = new RecordingLogger();

        var keys = AuthorizedKeys.Parse(line + "\n", logger);

        Assert.Empty(keys);
        Assert.Single(logger.Warnings);
        Assert.Contains("line 1", logger.Warnings[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TypeNotMatchingTheBlob_IsSkipped()
    {
        var key = Ed25519HostKey.Generate();
        var logger = new RecordingLogger();

        var keys = AuthorizedKeys.Parse("ssh-rsa " + Convert.ToBase64String(key.PublicKeyBlob.Span) + "\n", logger);

        Assert.Empty(keys);
        Assert.Single(logger.Warnings);
    }

    [Fact]
    public void Parse_ShortRsa_IsSkipped()
    {
        using var rsa = RSA.Create(1024);
        var small = "ssh-rsa " + Convert.ToBase64String(SshPublicKeySpecs.RsaBlob(rsa));
        var logger = new RecordingLogger();

        var keys = AuthorizedKeys.Parse(small + "\n", logger);

        Assert.Empty(keys);
        Assert.Single(logger.Warnings);
    }

    [Fact]
    public void Parse_GoodLinesAroundBadOnes_AreKept()
    {
        var first = Ed25519HostKey.Generate();
        var second = Ed25519HostKey.Generate();
        var logger = new RecordingLogger();

        var keys = AuthorizedKeys.Parse($"{first.ToOpenSshPublicKey()}\ngarbage line\n  # indented comment\n{second.ToOpenSshPublicKey("two")}", logger);

        Assert.Equal([first.Fingerprint, second.Fingerprint], keys.Select(k => k.Key.Fingerprint));
        Assert.Equal(4, keys[1].LineNumber);
        Assert.Single(logger.Warnings);
    }

    [Fact]
    public void Load_MissingFile_GivesNoKeys()
    {
        using var dir = new TempDirectory();
        var logger = new RecordingLogger();

        Assert.Empty(AuthorizedKeys.Load(dir.Combine("nope"), logger));
        Assert.Single(logger.Warnings);
    }

    [Fact]
    public void Load_OversizedFile_Throws()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("authorized_keys");
        File.WriteAllText(path, new string('#', AuthorizedKeys.MaxFileBytes + 1));

        var error = Assert.Throws<InvalidDataException>(() => AuthorizedKeys.Load(path, new RecordingLogger()));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_OverlongLine_IsSkipped()
    {
        var logger = new RecordingLogger();

        var keys = AuthorizedKeys.Parse("ssh-ed25519 " + new string('A', AuthorizedKeys.MaxLineLength), logger);

        Assert.Empty(keys);
        Assert.Contains("longer", logger.Warnings.Single(), StringComparison.Ordinal);
    }
}
