using System.Net;
using System.Net.Sockets;
using Agent.Specs.Integration;
using Agent.Specs.Utilities;

namespace Agent.Specs.Runtime.Sshd.Forwarding;

/// <summary>Forwarding through <c>agent dev --ssh-address</c> (a real TCP listener), with the OpenSSH client.</summary>
public sealed class SshForwardingListenerSpecs : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private readonly IntegrationHarness _harness = new();
    private readonly DisposeStack _cleanup = new();

    public SshForwardingListenerSpecs()
    {
        OpenSshClient.Prepare(_directory);
    }

    // xunit 2 disposes a test class through IAsyncLifetime (or IDisposable), never through IAsyncDisposable:
    // as IAsyncDisposable this never ran, and the agent it started outlived the run.
    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _cleanup.Dispose();
        await _harness.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task AgentDev_LocalAndRemoteForwards_WorkAndEndWithTheClient()
    {
        var sshPort = FreePort.Next();
        _harness.WriteWorkspace(Manifests.With());
        var agent = await _harness.StartDevAsync("--ssh-address", $"127.0.0.1:{sshPort}", "--authorized-keys", _directory.Combine("authorized_keys"));
        await agent.WaitForOutputAsync($"SSH server listening on 127.0.0.1:{sshPort}");
        using var echo = EchoServer.Tcp();
        using var unixEcho = EchoServer.Unix(_directory.Combine("client.sock"));
        var localPort = FreePort.Next();
        var remoteSocket = _directory.Combine("workspace", "forwarded.sock");
        var ssh = _cleanup.Push(OpenSshClient.Start(
            _directory,
            sshPort,
            null,
            "-N",
            "-L",
            $"127.0.0.1:{localPort}:127.0.0.1:{echo.Port}",
            "-R",
            $"{remoteSocket}:{_directory.Combine("client.sock")}"));

        var local = await ssh.WithOutputAsync(EchoServer.RoundTripWhenReadyAsync(new IPEndPoint(IPAddress.Loopback, localPort), "local"));
        var remote = await ssh.WithOutputAsync(EchoServer.RoundTripWhenReadyAsync(new UnixDomainSocketEndPoint(remoteSocket), "remote"));
        ssh.KillClientOnly();

        Assert.Equal("echo:local", local);
        Assert.Equal("echo:remote", remote);
        await Eventually.WaitAsync(() => !File.Exists(remoteSocket), $"the forwarded socket to be removed\n{agent.Output}");
        Assert.False(agent.HasExited);
    }
}
