using System.Diagnostics;
using System.Security.Cryptography;
using Agent.Runtime.Ssh.Keys;
using Agent.Specs.Utilities;
using Microsoft.Extensions.Logging;

namespace Agent.Specs.Ssh.Keys;

public class HostKeyStoreSpecs
{
    [Fact]
    public void LoadOrCreate_EmptyDataDirectory_CreatesThreeKeysWithPrivateModes()
    {
        using var data = new TempDirectory();
        var logger = new RecordingLogger();

        using var store = HostKeyStore.LoadOrCreate(data.Path, logger);

        Assert.Equal(["ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa"], store.Keys.Select(k => k.KeyType));
        Assert.Equal(["ssh-ed25519", "ecdsa-sha2-nistp256", "rsa-sha2-512", "rsa-sha2-256"], store.SignatureAlgorithms);
        Assert.Equal(data.Combine("ssh"), store.KeyDirectory);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(store.KeyDirectory));
        foreach (var name in new[] { "ssh_host_ed25519_key", "ssh_host_ecdsa_key", "ssh_host_rsa_key" })
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(data.Combine("ssh", name)));
            Assert.StartsWith("-----BEGIN PRIVATE KEY-----", File.ReadAllText(data.Combine("ssh", name)));
        }

        Assert.Equal(["ssh_host_ecdsa_key", "ssh_host_ecdsa_key.pub", "ssh_host_ed25519_key", "ssh_host_ed25519_key.pub", "ssh_host_rsa_key", "ssh_host_rsa_key.pub"],
            Directory.GetFiles(store.KeyDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var logged = logger.At(LogLevel.Information);
        Assert.Equal(3, logged.Count);
        foreach (var key in store.Keys)
            Assert.Single(logged, m => m.Contains(key.Fingerprint, StringComparison.Ordinal));
    }

    [Fact]
    public void LoadOrCreate_Restart_KeepsTheKeys()
    {
        using var data = new TempDirectory();
        string[] first;
        using (var store = HostKeyStore.LoadOrCreate(data.Path, new RecordingLogger()))
            first = [.. store.Keys.Select(k => k.Fingerprint)];

        using var again = HostKeyStore.LoadOrCreate(data.Path, new RecordingLogger());

        Assert.Equal(first, again.Keys.Select(k => k.Fingerprint));
    }

    [Fact]
    public void LoadOrCreate_OneKeyDeleted_RecreatesOnlyThatOne()
    {
        using var data = new TempDirectory();
        string[] first;
        using (var store = HostKeyStore.LoadOrCreate(data.Path, new RecordingLogger()))
            first = [.. store.Keys.Select(k => k.Fingerprint)];
        File.Delete(data.Combine("ssh", "ssh_host_ecdsa_key"));

        using var again = HostKeyStore.LoadOrCreate(data.Path, new RecordingLogger());

        Assert.Equal(first[0], again.Keys[0].Fingerprint);
        Assert.NotEqual(first[1], again.Keys[1].Fingerprint);
        Assert.Equal(first[2], again.Keys[2].Fingerprint);
    }

    [Theory]
    [InlineData("ssh_host_ed25519_key", "garbage")]
    [InlineData("ssh_host_ecdsa_key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")]
    [InlineData("ssh_host_rsa_key", "-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n")]
    public void LoadOrCreate_CorruptKeyFile_ThrowsNamingTheFile(string name, string content)
    {
        using var data = new TempDirectory();
        HostKeyStore.LoadOrCreate(data.Path, new RecordingLogger()).Dispose();
        File.WriteAllText(data.Combine("ssh", name), content);

        var error = Assert.Throws<InvalidDataException>(() => HostKeyStore.LoadOrCreate(data.Path, new RecordingLogger()));

        Assert.Contains(data.Combine("ssh", name), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadOrCreate_KeyOfTheWrongTypeInAFile_ThrowsNamingTheFile()
    {
        using var data = new TempDirectory();
        HostKeyStore.LoadOrCreate(data.Path, new RecordingLogger()).Dispose();
        File.Copy(data.Combine("ssh", "ssh_host_rsa_key"), data.Combine("ssh", "ssh_host_ecdsa_key"), overwrite: true);

        var error = Assert.Throws<InvalidDataException>(() => HostKeyStore.LoadOrCreate(data.Path, new RecordingLogger()));

        Assert.Contains("ssh_host_ecdsa_key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadOrCreate_LooseModes_AreTightened()
    {
        using var data = new TempDirectory();
        HostKeyStore.LoadOrCreate(data.Path, new RecordingLogger()).Dispose();
        File.SetUnixFileMode(data.Combine("ssh"), (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(data.Combine("ssh", "ssh_host_rsa_key"), (UnixFileMode)0b110_100_100);
        var logger = new RecordingLogger();

        HostKeyStore.LoadOrCreate(data.Path, logger).Dispose();

        Assert.Equal((UnixFileMode)0b111_000_000, File.GetUnixFileMode(data.Combine("ssh")));
        Assert.Equal((UnixFileMode)0b110_000_000, File.GetUnixFileMode(data.Combine("ssh", "ssh_host_rsa_key")));
        Assert.Single(logger.Warnings);
    }

    [Fact]
    public void Fingerprints_EqualSshKeygen()
    {
        using var data = new TempDirectory();
        using var store = HostKeyStore.LoadOrCreate(data.Path, new RecordingLogger());

        foreach (var key in store.Keys)
        {
            var pub = data.Combine(key.KeyType + ".pub");
            File.WriteAllText(pub, key.ToOpenSshPublicKey("spec") + "\n");
            var printed = Run("ssh-keygen", "-l", "-f", pub);
            Assert.Equal(key.Fingerprint, printed.Split(' ')[1]);
        }
    }

    [Theory]
    [InlineData("ssh_host_ecdsa_key")]
    [InlineData("ssh_host_rsa_key")]
    public void PrivateKeyFiles_ReadBySshKeygen_GiveTheSamePublicKey(string name)
    {
        using var data = new TempDirectory();
        using var store = HostKeyStore.LoadOrCreate(data.Path, new RecordingLogger());

        var derived = Run("ssh-keygen", "-y", "-f", data.Combine("ssh", name)).Trim();

        Assert.Equal(File.ReadAllText(data.Combine("ssh", name + ".pub")).Trim(), derived);
    }

    [Fact]
    public void Find_BySignatureAlgorithm_GivesTheKey()
    {
        using var data = new TempDirectory();
        using var store = HostKeyStore.LoadOrCreate(data.Path, new RecordingLogger());

        Assert.Equal("ssh-rsa", store.Find("rsa-sha2-256")!.KeyType);
        Assert.Equal("ssh-ed25519", store.Find("ssh-ed25519")!.KeyType);
        Assert.Null(store.Find("ssh-rsa"));
    }

    internal static string Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), $"{file} did not exit");
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', arguments)} exited {process.ExitCode}: {error.Result}");
        return output.Result;
    }
}
