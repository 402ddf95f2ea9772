using System.Net;
using System.Net.Sockets;
using Agent.Runtime.Sshd.Audit;

namespace Agent.Specs.Integration.Audit;

/// <summary>
/// <c>agent run --block-file-transfer --block-port-forwarding</c> against the real <c>sftp</c>, <c>scp</c> (both its SFTP
/// and its legacy protocol), <c>rsync -e ssh</c>, <c>tar</c> over <c>ssh</c>, <c>ssh -W</c>/<c>-L</c> and <c>ssh -R</c>.
/// </summary>
[Trait("Category", "Integration")]
public sealed class BlockIntegrationSpecs(BlockedAgentFixture fixture) : IClassFixture<BlockedAgentFixture>
{
    private AuditedAgent Agent => fixture.Agent;

    [Fact]
    public async Task Sftp_Refused()
    {
        var result = await Agent.SftpAsync("ls");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(FileTransferCommands.RefusalMessage, result.Error, StringComparison.Ordinal);
        await Agent.Agent.WaitForOutputAsync("Refused a file transfer (subsystem sftp)");
    }

    [Theory]
    [InlineData("-O")]
    [InlineData("-s")]
    public async Task Scp_RefusedInBothProtocols(string protocol)
    {
        var local = Path.Join(Agent.Directory, $"scp-{Guid.NewGuid():n}.txt");
        await File.WriteAllTextAsync(local, "secret");

        var result = await Agent.ScpAsync(protocol, local, $"127.0.0.1:{local}.copy");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(FileTransferCommands.RefusalMessage, result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(local + ".copy"));
    }

    [Fact]
    public async Task RsyncOverSsh_Refused()
    {
        var local = Path.Join(Agent.Directory, $"rsync-{Guid.NewGuid():n}.txt");
        await File.WriteAllTextAsync(local, "secret");

        var result = await Agent.RsyncAsync(local, $"127.0.0.1:{local}.copy");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(FileTransferCommands.RefusalMessage, result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(local + ".copy"));
    }

    [Theory]
    [InlineData("tar cf - .")]
    [InlineData("cd /tmp && tar -xzf -")]
    [InlineData("LC_ALL=C /usr/bin/tar --create --file=- .")]
    [InlineData("nc 127.0.0.1 22")]
    public async Task CopyCommands_RefusedWithStatus1(string command)
    {
        var result = await Agent.SshAsync(command);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(FileTransferCommands.RefusalMessage, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OtherCommands_StillRun()
    {
        var result = await Agent.SshAsync("echo fine; tar --version >/dev/null && echo tar-ok");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("fine\ntar-ok\n", result.Text);
    }

    [Fact]
    public async Task LocalForward_RefusedAndLogged()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var result = await Agent.SshAsync(string.Empty, "-W", $"127.0.0.1:{port}");

        Assert.Equal(255, result.ExitCode);
        Assert.Contains("stdio forwarding failed", result.Error, StringComparison.Ordinal);
        Assert.False(listener.Pending());
        await Agent.Agent.WaitForOutputAsync($"Refused direct-tcpip (127.0.0.1:{port})");
    }

    [Fact]
    public async Task RemoteForward_RefusedWithExitOnForwardFailure()
    {
        var port = Utilities.FreePort.Next();

        var result = await Agent.SshAsync("echo should-not-run", "-o", "ExitOnForwardFailure=yes", "-R", $"127.0.0.1:{port}:127.0.0.1:9");

        Assert.Equal(255, result.ExitCode);
        Assert.Contains("remote port forwarding failed", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("should-not-run", result.Text, StringComparison.Ordinal);
    }
}
