using System.Security.Cryptography;
using Agent.Specs.Utilities;

namespace Agent.Specs.Integration.Ssh;

/// <summary>The OpenSSH client (ssh, sftp, scp) against the agent's SSH server.</summary>
[Trait("Category", "Integration")]
public sealed class OpenSshInteropSpecs(SshFixture ssh) : IClassFixture<SshFixture>
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(42)]
    [InlineData(255)]
    public async Task Exec_ExitCodeAndOutput(int code)
    {
        var result = await ssh.SshAsync([], $"echo out-{code}; echo err-{code} >&2; exit {code}");

        Assert.Equal(code, result.ExitCode);
        Assert.Equal($"out-{code}\n", result.Text);
        Assert.Contains($"err-{code}", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exec_StdinToCatAndBack()
    {
        var input = RandomNumberGenerator.GetBytes(3 * 1024 * 1024);

        var result = await ssh.SshAsync([], "cat", input);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(SHA256.HashData(input), SHA256.HashData(result.Output));
    }

    [Fact]
    public async Task Exec_SessionEnvironment()
    {
        var result = await ssh.SshAsync(["-o", "SetEnv=SPEC_GREETING=hello CODER_SSH_SESSION_TYPE=vscode"], "echo $SPEC_GREETING; echo ${CODER_SSH_SESSION_TYPE:-stripped}; echo $CODER; test -n \"$SSH_CONNECTION\" && echo has-connection");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("hello\nstripped\ntrue\nhas-connection\n", result.Text);
    }

    [Fact]
    public async Task Pty_TtyAndTerm()
    {
        var result = await ssh.SshAsync(["-tt", "-o", "SetEnv=TERM=xterm-spec"], "tty; echo term=$TERM; echo sshtty=$SSH_TTY");

        Assert.Equal(0, result.ExitCode);
        var lines = result.Text.Split("\r\n");
        Assert.StartsWith("/dev/pts/", lines[0], StringComparison.Ordinal);
        Assert.Contains($"sshtty={lines[0]}", lines);
    }

    [Fact]
    public async Task BackgroundChildHoldingStdout_DoesNotHang()
    {
        var started = DateTime.UtcNow;

        var result = await ssh.SshAsync([], "sleep 10 & echo hi");

        Assert.Equal("hi\n", result.Text);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(8), "ssh returned before the background sleep ended");
    }

    [Fact]
    public async Task EveryAlgorithm_ForcedOneAtATime_MovesDataIntact()
    {
        var offered = new Dictionary<string, HashSet<string>>();
        foreach (var query in new[] { "kex", "cipher", "mac", "key-sig" })
            offered[query] = (await ProcessRunner.RunAsync("ssh", ["-Q", query])).Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        var cases = new List<string[]>();
        foreach (var kex in new[] { "mlkem768x25519-sha256", "sntrup761x25519-sha512", "sntrup761x25519-sha512@openssh.com", "curve25519-sha256", "curve25519-sha256@libssh.org", "ecdh-sha2-nistp256", "ecdh-sha2-nistp384", "ecdh-sha2-nistp521" })
        {
            if (offered["kex"].Contains(kex))
                cases.Add(["-o", $"KexAlgorithms={kex}"]);
        }

        foreach (var cipher in new[] { "chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com", "aes256-gcm@openssh.com" })
            cases.Add(["-o", $"Ciphers={cipher}"]);
        foreach (var cipher in new[] { "aes128-ctr", "aes256-ctr" })
        {
            foreach (var mac in new[] { "hmac-sha2-256", "hmac-sha2-512", "hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com" })
                cases.Add(["-o", $"Ciphers={cipher}", "-o", $"MACs={mac}"]);
        }

        foreach (var hostKey in new[] { "ssh-ed25519", "ecdsa-sha2-nistp256", "rsa-sha2-512", "rsa-sha2-256" })
            cases.Add(["-o", $"HostKeyAlgorithms={hostKey}"]);

        var input = RandomNumberGenerator.GetBytes(512 * 1024);
        var expected = Convert.ToHexStringLower(SHA256.HashData(input));
        foreach (var options in cases)
        {
            var result = await ssh.SshAsync(options, "sha256sum | cut -d' ' -f1", input);
            Assert.True(result.ExitCode == 0, $"{string.Join(' ', options)}: exit {result.ExitCode}: {result.Error}");
            Assert.Equal(expected + "\n", result.Text);
        }

        Assert.True(cases.Count >= 19, $"only {cases.Count} combinations were tried");
    }

    [Fact]
    public async Task RekeyLimit_ManyRekeysDuringA100MiBTransfer()
    {
        var input = RandomNumberGenerator.GetBytes(100 * 1024 * 1024);

        var result = await ssh.SshAsync(["-o", "RekeyLimit=4M"], "sha256sum | cut -d' ' -f1", input, logLevel: "DEBUG1");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(input)) + "\n", result.Text);
        var rekeys = result.Error.Split('\n').Count(line => line.Contains("SSH2_MSG_NEWKEYS sent", StringComparison.Ordinal));
        Assert.True(rekeys >= 10, $"only {rekeys} key exchanges in a 100 MiB transfer with RekeyLimit=4M");
    }

    [Fact]
    public async Task Sftp_PutGetRenameLs_64MiBWithHashes()
    {
        var local = Path.Join(ssh.Directory, "sftp-local.bin");
        var remoteDirectory = Path.Join(ssh.Directory, "remote-" + Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(remoteDirectory);
        await File.WriteAllBytesAsync(local, RandomNumberGenerator.GetBytes(64 * 1024 * 1024));
        var batch = Path.Join(ssh.Directory, "batch.txt");
        await File.WriteAllLinesAsync(batch,
        [
            $"put {local} {remoteDirectory}/up.bin",
            $"rename {remoteDirectory}/up.bin {remoteDirectory}/moved.bin",
            $"ls {remoteDirectory}",
            $"get {remoteDirectory}/moved.bin {local}.back",
        ]);

        var result = await ProcessRunner.RunAsync("sftp", [.. SftpOptions(), "-b", batch, "agent"], timeout: TimeSpan.FromSeconds(120));

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("moved.bin", result.Text, StringComparison.Ordinal);
        var hash = SHA256.HashData(await File.ReadAllBytesAsync(local));
        Assert.Equal(hash, SHA256.HashData(await File.ReadAllBytesAsync(Path.Join(remoteDirectory, "moved.bin"))));
        Assert.Equal(hash, SHA256.HashData(await File.ReadAllBytesAsync(local + ".back")));
    }

    [Fact]
    public async Task Scp_BothWays()
    {
        var local = Path.Join(ssh.Directory, "scp-local.bin");
        var remote = Path.Join(ssh.Directory, "scp-remote-" + Guid.NewGuid().ToString("n") + ".bin");
        var content = RandomNumberGenerator.GetBytes(5 * 1024 * 1024);
        await File.WriteAllBytesAsync(local, content);

        var up = await ProcessRunner.RunAsync("scp", [.. SftpOptions(), local, $"agent:{remote}"]);
        var down = await ProcessRunner.RunAsync("scp", [.. SftpOptions(), $"agent:{remote}", local + ".back"]);

        Assert.True(up.ExitCode == 0, up.Error);
        Assert.True(down.ExitCode == 0, down.Error);
        Assert.Equal(content, await File.ReadAllBytesAsync(remote));
        Assert.Equal(content, await File.ReadAllBytesAsync(local + ".back"));
    }

    [Fact]
    public async Task WrongKey_Refused()
    {
        var other = Path.Join(ssh.Directory, "other_" + Guid.NewGuid().ToString("n"));
        Assert.Equal(0, (await ProcessRunner.RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", string.Empty, "-f", other])).ExitCode);

        var result = await ssh.SshAsync([], "echo should-not-run", identity: other);

        Assert.Equal(255, result.ExitCode);
        Assert.Contains("Permission denied", result.Error, StringComparison.Ordinal);
        Assert.Empty(result.Output);
    }

    [Fact]
    public async Task UnknownUser_Refused()
    {
        var result = await ssh.SshAsync([], "echo should-not-run", user: "nobody-" + Guid.NewGuid().ToString("n")[..8]);

        Assert.Equal(255, result.ExitCode);
        Assert.Contains("Permission denied", result.Error, StringComparison.Ordinal);
    }

    private IEnumerable<string> SftpOptions()
    {
        // sftp and scp take -l differently; the user goes into the options instead.
        var options = ssh.BaseOptions(Environment.UserName).ToList();
        var at = options.IndexOf("-l");
        options.RemoveRange(at, 2);
        return [.. options, "-o", $"User={Environment.UserName}"];
    }
}
