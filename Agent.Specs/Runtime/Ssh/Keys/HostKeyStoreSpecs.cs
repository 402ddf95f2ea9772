using System.Diagnostics;
using Agent.Runtime.Ssh.Keys;
using Agent.Specs.Utilities;
using Microsoft.Extensions.Logging;

namespace Agent.Specs.Runtime.Ssh.Keys;

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
        Assert.Equal([data.Combine("ssh", "ssh_host_ed25519_key"), data.Combine("ssh", "ssh_host_ecdsa_key"), data.Combine("ssh", "ssh_host_rsa_key")], store.KeyFiles);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(data.Combine("ssh")));
        foreach (var file in store.KeyFiles)
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            Assert.StartsWith("-----BEGIN OPENSSH PRIVATE KEY-----\n", File.ReadAllText(file), StringComparison.Ordinal);
        }

        Assert.Equal(["ssh_host_ecdsa_key", "ssh_host_ecdsa_key.pub", "ssh_host_ed25519_key", "ssh_host_ed25519_key.pub", "ssh_host_rsa_key", "ssh_host_rsa_key.pub"],
            Directory.GetFiles(data.Combine("ssh")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
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
    [InlineData("ssh_host_ed25519_key", "")]
    [InlineData("ssh_host_ecdsa_key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")]
    [InlineData("ssh_host_rsa_key", "-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n")]
    [InlineData("ssh_host_rsa_key", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ==\n-----END OPENSSH PRIVATE KEY-----\n")]
    public void LoadOrCreate_CorruptKeyFile_ThrowsNamingTheFileAndKeepsIt(string name, string content)
    {
        using var data = new TempDirectory();
        HostKeyStore.LoadOrCreate(data.Path, new RecordingLogger()).Dispose();
        var path = data.Combine("ssh", name);
        File.WriteAllText(path, content);

        var error = Assert.Throws<HostKeyFileException>(() => HostKeyStore.LoadOrCreate(data.Path, new RecordingLogger()));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Equal(content, File.ReadAllText(path));
    }

    [Fact]
    public void LoadOrCreate_KeyOfTheWrongTypeInAFile_ThrowsNamingTheFile()
    {
        using var data = new TempDirectory();
        HostKeyStore.LoadOrCreate(data.Path, new RecordingLogger()).Dispose();
        File.Copy(data.Combine("ssh", "ssh_host_rsa_key"), data.Combine("ssh", "ssh_host_ecdsa_key"), overwrite: true);

        var error = Assert.Throws<HostKeyFileException>(() => HostKeyStore.LoadOrCreate(data.Path, new RecordingLogger()));

        Assert.Contains("ssh_host_ecdsa_key holds a ssh-rsa key", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0b110_100_000)]
    [InlineData(0b110_000_100)]
    [InlineData(0b110_110_110)]
    public void LoadOrCreate_KeyFileGroupOrOthersMayRead_IsRefusedAndLeftAlone(int mode)
    {
        using var data = new TempDirectory();
        HostKeyStore.LoadOrCreate(data.Path, new RecordingLogger()).Dispose();
        var path = data.Combine("ssh", "ssh_host_rsa_key");
        var before = File.ReadAllBytes(path);
        File.SetUnixFileMode(path, (UnixFileMode)mode);

        var error = Assert.Throws<HostKeyFileException>(() => HostKeyStore.LoadOrCreate(data.Path, new RecordingLogger()));

        Assert.Contains($"{path} has mode 0{Convert.ToString(mode, 8)}", error.Message, StringComparison.Ordinal);
        Assert.Equal((UnixFileMode)mode, File.GetUnixFileMode(path));
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public void LoadOrCreate_FifoAtAKeyPath_IsRefusedWithoutWaitingForAWriter()
    {
        using var data = new TempDirectory();
        Directory.CreateDirectory(data.Combine("ssh"));
        Run("mkfifo", "-m", "600", data.Combine("ssh", "ssh_host_ed25519_key"));

        var error = Assert.Throws<HostKeyFileException>(() => HostKeyStore.LoadOrCreate(data.Path, new RecordingLogger()));

        Assert.Equal($"the SSH host key file {data.Combine("ssh", "ssh_host_ed25519_key")} is not a regular file", error.Message);
    }

    [Fact]
    public void LoadOrCreate_FifoAtAPubPath_IsReplacedWithoutWaitingForAWriter()
    {
        using var data = new TempDirectory();
        HostKeyStore.LoadOrCreate(data.Path, new RecordingLogger()).Dispose();
        var pub = data.Combine("ssh", "ssh_host_rsa_key.pub");
        File.Delete(pub);
        Run("mkfifo", pub);

        using var store = HostKeyStore.LoadOrCreate(data.Path, new RecordingLogger());

        Assert.Equal(store.Keys[2].ToOpenSshPublicKey() + "\n", File.ReadAllText(pub));
    }

    [Fact]
    public void LoadOrCreateIn_ExistingDirectory_KeepsItsMode()
    {
        using var data = new TempDirectory();
        Directory.CreateDirectory(data.Combine("keys"));
        File.SetUnixFileMode(data.Combine("keys"), (UnixFileMode)0b111_101_101);

        HostKeyStore.LoadOrCreateIn(data.Combine("keys"), new RecordingLogger()).Dispose();

        Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(data.Combine("keys")));
    }

    [Theory]
    [InlineData(0b111_111_111)]
    [InlineData(0b1_111_111_111)]
    [InlineData(0b111_111_101)]
    public void LoadOrCreateIn_DirectoryOthersMayWrite_IsRefusedAndNothingWritten(int mode)
    {
        using var data = new TempDirectory();
        var directory = data.Combine("keys");
        Directory.CreateDirectory(directory);
        File.SetUnixFileMode(directory, (UnixFileMode)mode);

        var error = Assert.Throws<HostKeyFileException>(() => HostKeyStore.LoadOrCreateIn(directory, new RecordingLogger()));

        Assert.StartsWith($"the SSH host key directory {directory} is writable by group or others", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(directory));
    }

    [Fact]
    public void LoadOrCreateIn_SshKeygenKeys_ServesThemAndChangesNoFile()
    {
        using var data = new TempDirectory();
        var directory = data.Combine("keys");
        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Run("ssh-keygen", "-q", "-t", "ed25519", "-N", string.Empty, "-C", "root@host", "-f", Path.Join(directory, "ssh_host_ed25519_key"));
        Run("ssh-keygen", "-q", "-t", "ecdsa", "-b", "384", "-N", string.Empty, "-C", "root@host", "-f", Path.Join(directory, "ssh_host_ecdsa_key"));
        Run("ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-N", string.Empty, "-C", "root@host", "-f", Path.Join(directory, "ssh_host_rsa_key"));
        var before = Directory.GetFiles(directory).Order(StringComparer.Ordinal).ToDictionary(f => f, File.ReadAllBytes);

        using var store = HostKeyStore.LoadOrCreateIn(directory, new RecordingLogger());

        Assert.Equal(["ssh-ed25519", "ecdsa-sha2-nistp384", "ssh-rsa"], store.Keys.Select(k => k.KeyType));
        Assert.Equal(["ssh-ed25519", "ecdsa-sha2-nistp384", "rsa-sha2-512", "rsa-sha2-256"], store.SignatureAlgorithms);
        foreach (var (key, file) in store.Keys.Zip(store.KeyFiles))
            Assert.Equal(Run("ssh-keygen", "-l", "-f", file + ".pub").Split(' ')[1], key.Fingerprint);
        Assert.Equal(before, Directory.GetFiles(directory).Order(StringComparer.Ordinal).ToDictionary(f => f, File.ReadAllBytes));
    }

    [Fact]
    public void LoadOrCreateIn_PubFileMissingOrOfAnotherKey_IsWritten()
    {
        using var data = new TempDirectory();
        HostKeyStore.LoadOrCreate(data.Path, new RecordingLogger()).Dispose();
        File.Delete(data.Combine("ssh", "ssh_host_ed25519_key.pub"));
        File.Copy(data.Combine("ssh", "ssh_host_rsa_key.pub"), data.Combine("ssh", "ssh_host_ecdsa_key.pub"), overwrite: true);

        using var store = HostKeyStore.LoadOrCreate(data.Path, new RecordingLogger());

        foreach (var (key, file) in store.Keys.Zip(store.KeyFiles))
            Assert.Equal(key.ToOpenSshPublicKey() + "\n", File.ReadAllText(file + ".pub"));
    }

    [Fact]
    public void Load_Files_ServesExactlyThoseInTheirOrderAndWritesNothing()
    {
        using var data = new TempDirectory();
        Run("ssh-keygen", "-q", "-t", "ecdsa", "-b", "521", "-N", string.Empty, "-f", data.Combine("p521"));
        Run("ssh-keygen", "-q", "-t", "ed25519", "-N", string.Empty, "-f", data.Combine("ed"));
        File.Delete(data.Combine("ed.pub"));

        using var store = HostKeyStore.Load([data.Combine("p521"), data.Combine("ed")], new RecordingLogger());

        Assert.Equal(["ecdsa-sha2-nistp521", "ssh-ed25519"], store.Keys.Select(k => k.KeyType));
        Assert.Equal([data.Combine("p521"), data.Combine("ed")], store.KeyFiles);
        Assert.Equal(["ed", "p521", "p521.pub"], Directory.GetFiles(data.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Load_DsaKeyAmongOthers_IsSkippedWithAWarning()
    {
        using var data = new TempDirectory();
        Run("ssh-keygen", "-q", "-t", "dsa", "-N", string.Empty, "-f", data.Combine("dsa"));
        Run("ssh-keygen", "-q", "-t", "ed25519", "-N", string.Empty, "-f", data.Combine("ed"));
        var logger = new RecordingLogger();

        using var store = HostKeyStore.Load([data.Combine("dsa"), data.Combine("ed")], logger);

        Assert.Equal(["ssh-ed25519"], store.Keys.Select(k => k.KeyType));
        Assert.Equal([data.Combine("ed")], store.KeyFiles);
        var warning = Assert.Single(logger.Warnings);
        Assert.Contains($"{data.Combine("dsa")} is not served: it holds a key of type 'ssh-dss'", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_OnlyADsaKey_Throws()
    {
        using var data = new TempDirectory();
        Run("ssh-keygen", "-q", "-t", "dsa", "-N", string.Empty, "-f", data.Combine("dsa"));

        var error = Assert.Throws<HostKeyFileException>(() => HostKeyStore.Load([data.Combine("dsa")], new RecordingLogger()));

        Assert.True(error.UnsupportedType);
        Assert.Contains("'ssh-dss'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TwoKeysOfOneType_ThrowsNamingBoth()
    {
        using var data = new TempDirectory();
        Run("ssh-keygen", "-q", "-t", "ed25519", "-N", string.Empty, "-f", data.Combine("one"));
        Run("ssh-keygen", "-q", "-t", "ed25519", "-N", string.Empty, "-f", data.Combine("two"));

        var error = Assert.Throws<HostKeyFileException>(() => HostKeyStore.Load([data.Combine("one"), data.Combine("two")], new RecordingLogger()));

        Assert.Equal($"the SSH host key file {data.Combine("two")} holds a second ssh-ed25519 key (the first is {data.Combine("one")}): serve one key of each type", error.Message);
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
    [InlineData("ssh_host_ed25519_key")]
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
