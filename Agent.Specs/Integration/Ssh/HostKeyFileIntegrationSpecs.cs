
using Agent.Specs.Utilities;

namespace Agent.Specs.Integration.Ssh;

/// <summary>
/// Host keys made by <c>ssh-keygen</c> (a directory under sshd's names, or <c>--host-key</c> files) served to the
/// OpenSSH client, which checks them strictly against a known_hosts file made from their <c>.pub</c> files.
/// </summary>
[Trait("Category", "Integration")]
public sealed class HostKeyFileIntegrationSpecs
{
    private const string Alias = "agent-spec";

    [Theory]
    [InlineData("256", "ssh-ed25519")]
    [InlineData("256", "ecdsa-sha2-nistp256")]
    [InlineData("384", "ecdsa-sha2-nistp384")]
    [InlineData("521", "ecdsa-sha2-nistp521")]
    [InlineData("256", "rsa-sha2-512")]
    [InlineData("256", "rsa-sha2-256")]
    public async Task SshKeygenKeyDirectory_EachHostKeyAlgorithm_ConnectsStrictlyAndChangesNoFile(string ecdsaBits, string algorithm)
    {
        using var directory = new TempDirectory();
        var keys = await SshdKeyDirectoryAsync(directory, ecdsaBits);
        var identity = await ClientKeyAsync(directory, "ed25519", "256");
        var before = Snapshot(keys);

        var result = await SshAsync(directory, $"--host-key-dir {keys}", KnownHosts(directory, Directory.GetFiles(keys, "*.pub")), identity, algorithm, "echo served");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal("served\n", result.Text);
        Assert.Equal(before, Snapshot(keys));
    }

    [Fact]
    public async Task HostKeyFiles_ExactlyThoseAreServed()
    {
        using var directory = new TempDirectory();
        var p384 = await KeygenAsync(directory.Combine("etc", "ssh_host_ecdsa_key"), "ecdsa", "384");
        var rsa = await KeygenAsync(directory.Combine("etc", "ssh_host_rsa_key"), "rsa", "2048", "PEM");
        var identity = await ClientKeyAsync(directory, "ed25519", "256");
        var knownHosts = KnownHosts(directory, [p384 + ".pub", rsa + ".pub"]);
        var before = Snapshot(directory.Combine("etc"));
        var served = $"--host-key {p384} --host-key {rsa}";

        var ecdsa = await SshAsync(directory, served, knownHosts, identity, "ecdsa-sha2-nistp384", "echo p384");
        var rsaResult = await SshAsync(directory, served, knownHosts, identity, "rsa-sha2-512", "echo rsa");
        var ed25519 = await SshAsync(directory, served, knownHosts, identity, "ssh-ed25519", "echo never");

        Assert.True(ecdsa.ExitCode == 0, ecdsa.Error);
        Assert.Equal("p384\n", ecdsa.Text);
        Assert.True(rsaResult.ExitCode == 0, rsaResult.Error);
        Assert.Equal("rsa\n", rsaResult.Text);
        Assert.Equal(255, ed25519.ExitCode);
        Assert.Contains("no matching host key type", ed25519.Error, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(directory.Combine("etc")));
    }

    [Theory]
    [InlineData("384")]
    [InlineData("521")]
    public async Task UserKey_EcdsaP384AndP521_LogsIn(string bits)
    {
        using var directory = new TempDirectory();
        var keys = await SshdKeyDirectoryAsync(directory, "256");
        var identity = await ClientKeyAsync(directory, "ecdsa", bits);

        var result = await SshAsync(directory, $"--host-key-dir {keys}", KnownHosts(directory, Directory.GetFiles(keys, "*.pub")), identity, "ssh-ed25519", "echo logged-in");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal("logged-in\n", result.Text);
    }

    [Theory]
    [InlineData("encrypted", "is encrypted (cipher aes256-ctr, kdf bcrypt)")]
    [InlineData("group-readable", "has mode 0640: a private key must not be accessible by group or others")]
    [InlineData("garbage", "holds no private key the agent reads")]
    [InlineData("rsa", "holds a ssh-rsa key, not ssh-ed25519 as its name says")]
    public async Task BrokenKeyInDirectory_ExitsNamingTheFileAndChangesNothing(string broken, string reason)
    {
        using var directory = new TempDirectory();
        var keys = await SshdKeyDirectoryAsync(directory, "256");
        var file = Path.Join(keys, "ssh_host_ed25519_key");
        await BreakAsync(file, broken);
        var before = Snapshot(keys);

        var result = await ProcessRunner.RunAsync("dotnet", [AgentBinary.Path, "ssh-server", "--inetd", "--host-key-dir", keys], []);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"agent ssh-server: the SSH host key file {file} {reason}", result.Error, StringComparison.Ordinal);
        Assert.Empty(result.Output);
        Assert.Equal(before, Snapshot(keys));
        Assert.Equal(broken == "group-readable" ? (UnixFileMode)0b110_100_000 : UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
    }

    [Theory]
    [InlineData("encrypted")]
    [InlineData("group-readable")]
    [InlineData("garbage")]
    public async Task BrokenHostKeyFile_ExitsNamingTheFileAndChangesNothing(string broken)
    {
        using var directory = new TempDirectory();
        var file = await KeygenAsync(directory.Combine("key"), "ed25519", "256");
        await BreakAsync(file, broken);
        var before = Snapshot(directory.Path);

        var result = await ProcessRunner.RunAsync("dotnet", [AgentBinary.Path, "ssh-server", "--inetd", "--host-key", file], []);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"agent ssh-server: the SSH host key file {file} ", result.Error, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(directory.Path));
    }

    [Fact]
    public async Task HostKeyDirThatCannotBeMade_ExitsWithAClearErrorNotAStackTrace()
    {
        using var directory = new TempDirectory();
        var file = directory.Combine("a-file");
        await File.WriteAllTextAsync(file, "not a directory");

        var result = await ProcessRunner.RunAsync("dotnet", [AgentBinary.Path, "ssh-server", "--inetd", "--host-key-dir", Path.Join(file, "keys")], []);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"agent ssh-server: the SSH host keys in {Path.Join(file, "keys")}: ", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostKeyAndHostKeyDir_Together_AreRefused()
    {
        using var directory = new TempDirectory();
        var file = await KeygenAsync(directory.Combine("key"), "ed25519", "256");

        var result = await ProcessRunner.RunAsync("dotnet", [AgentBinary.Path, "ssh-server", "--inetd", "--host-key", file, "--host-key-dir", directory.Combine("dir")], []);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--host-key and --host-key-dir cannot be combined", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(directory.Combine("dir")));
    }

    [Fact]
    public async Task Dev_HostKeyFiles_ServedOnTheListenerAndReported()
    {
        await using var harness = new IntegrationHarness();
        var p521 = await KeygenAsync(harness.Combine("etc", "ssh_host_ecdsa_key"), "ecdsa", "521");
        var ed25519 = await KeygenAsync(harness.Combine("etc", "ssh_host_ed25519_key"), "ed25519", "256");
        var identity = harness.Combine("id_ed25519");
        await KeygenAsync(identity, "ed25519", "256");
        File.Copy(identity + ".pub", harness.Combine("authorized_keys"));
        var port = FreePort.Next();
        harness.WriteWorkspace(Manifests.With(directory: "~"));

        await harness.StartDevAsync("--ssh-address", $"127.0.0.1:{port}", "--authorized-keys", harness.Combine("authorized_keys"), "--host-key", p521, "--host-key", ed25519, "--data-dir", harness.Combine("dev-data"));
        await harness.Agent!.WaitForOutputAsync("SSH server listening");

        string[] served = [.. new[] { p521, ed25519 }.Select(file => string.Join(' ', File.ReadAllText(file + ".pub").Split(' ')[..2]))];
        var summary = await Eventually.WaitAsync(
            async () => await harness.GetAsync(string.Empty),
            agent => agent.GetProperty("ssh_host_keys").GetArrayLength() > 0,
            "the startup report to carry the host keys");
        Assert.Equal(served, summary.GetProperty("ssh_host_keys").EnumerateArray().Select(key => key.GetString()));
        var knownHosts = harness.Combine("known_hosts");
        await File.WriteAllLinesAsync(knownHosts, served.Select(line => $"[127.0.0.1]:{port} {line}"));
        foreach (var algorithm in new[] { "ecdsa-sha2-nistp521", "ssh-ed25519" })
        {
            var result = await ProcessRunner.RunAsync(
                "ssh",
                ["-F", "/dev/null", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", $"UserKnownHostsFile={knownHosts}", "-o", "StrictHostKeyChecking=yes",
                 "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", $"HostKeyAlgorithms={algorithm}", "-i", identity, "-l", Environment.UserName, "127.0.0.1", "echo via-tcp"],
                timeout: TimeSpan.FromSeconds(60));
            Assert.True(result.ExitCode == 0, result.Error);
            Assert.Equal("via-tcp\n", result.Text);
        }

        Assert.True(Directory.Exists(harness.Combine("dev-data")));
        Assert.False(Directory.Exists(harness.Combine("dev-data", "ssh")), "no data-directory keys are made when --host-key is given");
    }

    [Fact]
    public async Task Run_GroupReadableHostKey_ExitsNamingTheFile()
    {
        await using var harness = new IntegrationHarness();
        var file = await KeygenAsync(harness.Combine("key"), "ed25519", "256");
        File.SetUnixFileMode(file, (UnixFileMode)0b110_100_100);

        var agent = harness.StartAgent("--host-key", file);

        Assert.Equal(2, await agent.WaitForExitAsync());
        Assert.Contains($"agent run: the SSH host key file {file} has mode 0644", agent.Output, StringComparison.Ordinal);
        Assert.Equal((UnixFileMode)0b110_100_100, File.GetUnixFileMode(file));
    }

    private static async Task<string> SshdKeyDirectoryAsync(TempDirectory directory, string ecdsaBits)
    {
        var keys = directory.Combine("hostkeys");
        await KeygenAsync(Path.Join(keys, "ssh_host_ed25519_key"), "ed25519", "256");
        await KeygenAsync(Path.Join(keys, "ssh_host_ecdsa_key"), "ecdsa", ecdsaBits);
        await KeygenAsync(Path.Join(keys, "ssh_host_rsa_key"), "rsa", "2048");
        return keys;
    }

    private static async Task<string> ClientKeyAsync(TempDirectory directory, string type, string bits)
    {
        var identity = await KeygenAsync(directory.Combine("id_" + type + bits), type, bits);
        File.Copy(identity + ".pub", directory.Combine("authorized_keys"), overwrite: true);
        return identity;
    }

    private static async Task<string> KeygenAsync(string file, string type, string bits, string format = "RFC4716")
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var result = await ProcessRunner.RunAsync("ssh-keygen", ["-q", "-t", type, "-b", bits, "-m", format, "-N", string.Empty, "-C", "root@machine", "-f", file]);
        Assert.True(result.ExitCode == 0, result.Error);
        return file;
    }

    private static async Task BreakAsync(string file, string how)
    {
        switch (how)
        {
            case "encrypted":
                var result = await ProcessRunner.RunAsync("ssh-keygen", ["-q", "-p", "-N", "passphrase", "-f", file]);
                Assert.True(result.ExitCode == 0, result.Error);
                break;
            case "group-readable":
                File.SetUnixFileMode(file, (UnixFileMode)0b110_100_000);
                break;
            case "garbage":
                await File.WriteAllTextAsync(file, "not a key\n");
                break;
            default:
                File.Delete(file);
                await KeygenAsync(file, how, "2048");
                break;
        }
    }

    private static string KnownHosts(TempDirectory directory, IEnumerable<string> publicKeyFiles)
    {
        var path = directory.Combine("known_hosts");
        File.WriteAllLines(path, publicKeyFiles.Select(file => $"{Alias} {File.ReadAllText(file).Trim()}"));
        return path;
    }

    private static Task<ProcessRunner.Result> SshAsync(TempDirectory directory, string keyOptions, string knownHosts, string identity, string hostKeyAlgorithm, string command)
        => ProcessRunner.RunAsync(
            "ssh",
            ["-F", "/dev/null",
             "-o", $"ProxyCommand=dotnet {AgentBinary.Path} ssh-server --inetd {keyOptions} --authorized-keys {directory.Combine("authorized_keys")}",
             "-o", $"HostKeyAlias={Alias}",
             "-o", $"UserKnownHostsFile={knownHosts}",
             "-o", "StrictHostKeyChecking=yes",
             "-o", "BatchMode=yes",
             "-o", "IdentitiesOnly=yes",
             "-o", $"HostKeyAlgorithms={hostKeyAlgorithm}",
             "-i", identity,
             "-l", Environment.UserName,
             "agent", command],
            timeout: TimeSpan.FromSeconds(60));

    private static Dictionary<string, string> Snapshot(string directory)
        => Directory.GetFiles(directory, "*", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .ToDictionary(file => file, file => Convert.ToHexString(File.ReadAllBytes(file)));
}
