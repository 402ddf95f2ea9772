using Agent.Runtime.Sshd.Audit;
using Agent.Specs.Integration.Ssh;
using Agent.Specs.Utilities;

namespace Agent.Specs.Integration.Audit;

/// <summary>
/// The blocks set through Coder's environment variables on <c>agent run</c>, and through the flags and variables of
/// <c>agent ssh-server --inetd</c>.
/// </summary>
[Trait("Category", "Integration")]
public sealed class BlockSettingsIntegrationSpecs(SshFixture ssh) : IClassFixture<SshFixture>
{
    [Fact]
    public async Task Run_BlockFileTransferVariable_RefusesSftpOnly()
    {
        await using var agent = new AuditedAgent();
        await agent.StartRunWithEnvironmentAsync(new Dictionary<string, string> { ["CODER_AGENT_BLOCK_FILE_TRANSFER"] = "true" });

        var sftp = await agent.SftpAsync("ls");
        var forward = await agent.SshAsync("echo forwarded", "-o", "ExitOnForwardFailure=yes", "-R", $"127.0.0.1:{FreePort.Next()}:127.0.0.1:9");

        Assert.Contains(FileTransferCommands.RefusalMessage, sftp.Error, StringComparison.Ordinal);
        Assert.Equal("forwarded\n", forward.Text);
    }

    [Fact]
    public async Task Run_ReversePortForwardingVariable_RefusesRemoteForwardsOnly()
    {
        await using var agent = new AuditedAgent();
        await agent.StartRunWithEnvironmentAsync(new Dictionary<string, string> { ["CODER_AGENT_BLOCK_REVERSE_PORT_FORWARDING"] = "1" });

        var forward = await agent.SshAsync("echo forwarded", "-o", "ExitOnForwardFailure=yes", "-R", $"127.0.0.1:{FreePort.Next()}:127.0.0.1:9");
        var sftp = await agent.SftpAsync("ls");

        Assert.Equal(255, forward.ExitCode);
        Assert.True(sftp.ExitCode == 0, sftp.Error);
    }

    [Fact]
    public async Task SshServer_BlockFileTransferFlag_RefusesSftp()
    {
        var result = await SftpThroughInetdAsync("--block-file-transfer", null);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(FileTransferCommands.RefusalMessage, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SshServer_BlockFileTransferVariable_RefusesSftp()
    {
        var result = await SftpThroughInetdAsync(string.Empty, "CODER_AGENT_BLOCK_FILE_TRANSFER=true");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(FileTransferCommands.RefusalMessage, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SshServer_VariableNotABoolean_ExitsWithAClearError()
    {
        var info = AgentBinary.StartInfo(["ssh-server", "--inetd", "--host-key-dir", ssh.HostKeys, "--authorized-keys", ssh.AuthorizedKeys]);
        info.Environment["CODER_AGENT_BLOCK_PORT_FORWARDING"] = "maybe";

        var result = await ProcessRunner.RunAsync(info, [], TimeSpan.FromSeconds(30));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("CODER_AGENT_BLOCK_PORT_FORWARDING \"maybe\" is not true or false", result.Error, StringComparison.Ordinal);
    }

    private async Task<ProcessRunner.Result> SftpThroughInetdAsync(string flag, string? variable)
    {
        var batch = Path.Join(ssh.Directory, $"batch-{Guid.NewGuid():n}");
        await File.WriteAllTextAsync(batch, "ls\n");
        var proxy = $"{(variable is null ? string.Empty : "env " + variable + " ")}{ssh.ProxyCommand} {flag}";
        var options = ssh.BaseOptions(Environment.UserName).ToList();
        options[options.IndexOf($"ProxyCommand={ssh.ProxyCommand}")] = $"ProxyCommand={proxy}";

        // sftp takes no -l: the user goes into the options instead.
        options.RemoveRange(options.IndexOf("-l"), 2);
        return await ProcessRunner.RunAsync("sftp", [.. options, "-o", $"User={Environment.UserName}", "-b", batch, "agent"], [], TimeSpan.FromSeconds(60));
    }
}
