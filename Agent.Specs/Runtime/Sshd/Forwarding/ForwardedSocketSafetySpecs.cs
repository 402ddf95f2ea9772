using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Agent.Specs.Utilities;

namespace Agent.Specs.Runtime.Sshd.Forwarding;

/// <summary>
/// The files forwarding makes on a shared host, against a real OpenSSH client and a real agent process: sockets
/// are 0600 (sshd's <c>StreamLocalBindMask 0177</c>), and a socket directory that another local user made (or
/// pointed elsewhere with a symbolic link) is refused, with the reason logged, while the session goes on.
/// </summary>
public sealed class ForwardedSocketSafetySpecs : IDisposable
{
    private const UnixFileMode Mode0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly TempDirectory _directory = new();
    private readonly DisposeStack _cleanup = new();

    public ForwardedSocketSafetySpecs()
    {
        OpenSshClient.Prepare(_directory);
    }

    public void Dispose()
    {
        _cleanup.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task UnixRemoteForward_TheSocketTheAgentListensOn_IsMode0600()
    {
        var local = _directory.Combine("client.sock");
        var remote = _directory.Combine("forwarded.sock");
        using var echo = EchoServer.Unix(local);
        var ssh = _cleanup.Push(OpenSshClient.Start(_directory, null, "-N", "-R", $"{remote}:{local}"));

        var reply = await ssh.WithOutputAsync(EchoServer.RoundTripWhenReadyAsync(new UnixDomainSocketEndPoint(remote), "mode"));

        Assert.Equal("echo:mode", reply);
        Assert.Equal(Mode0600, File.GetUnixFileMode(remote));
    }

    [Fact]
    public async Task AgentForwarding_TheSocket_IsMode0600InA0700Directory()
    {
        var agentSocket = _directory.Combine("agent.sock");
        _cleanup.Push(Agent.Specs.Integration.RunningProcess.Start(
            new ProcessStartInfo("ssh-agent") { ArgumentList = { "-D", "-a", agentSocket }, RedirectStandardOutput = true, RedirectStandardError = true },
            "ssh-agent"));
        await Eventually.WaitAsync(() => File.Exists(agentSocket), "ssh-agent to listen");
        var environment = new Dictionary<string, string> { ["SSH_AUTH_SOCK"] = agentSocket };

        var ssh = _cleanup.Push(OpenSshClient.Start(_directory, environment, "-A", "--", "stat -c 'socket=%a' \"$SSH_AUTH_SOCK\"; stat -c 'directory=%a' \"$(dirname \"$SSH_AUTH_SOCK\")\""));
        var exit = await ssh.WaitForExitAsync();

        Assert.True(exit == 0, $"ssh exited {exit}\n{ssh.Stdout}\n{ssh.Stderr}");
        Assert.Contains("socket=600", ssh.Stdout);
        Assert.Contains("directory=700", ssh.Stdout);
    }

    [Fact]
    public async Task X11Forwarding_TheDisplaySocket_IsMode0600()
    {
        var (environment, temp) = X11Environment(_directory.Combine("tmp"));
        Directory.CreateDirectory(temp);
        var socket = Path.Join(temp, ".X11-unix", "X10");

        var ssh = _cleanup.Push(OpenSshClient.Start(_directory, environment, "-Y", "--", $"echo display=$DISPLAY; stat -c 'socket=%a' {socket}"));
        var exit = await ssh.WaitForExitAsync();

        Assert.True(exit == 0, $"ssh exited {exit}\n{ssh.Stdout}\n{ssh.Stderr}");
        Assert.Contains("display=:10.0", ssh.Stdout);
        Assert.Contains("socket=600", ssh.Stdout);
    }

    [Fact]
    public async Task X11Forwarding_SocketDirectoryMadeByAnotherUser_IsRefusedWithTheReasonAndTheSessionGoesOn()
    {
        var other = _cleanup.Push(await SecondUser.CreateAsync());
        var shared = SharedTemp();
        var planted = Path.Join(shared, ".X11-unix");
        await other.RunCheckedAsync($"mkdir -m 0777 '{planted}'");
        var (environment, _) = X11Environment(shared);

        var ssh = _cleanup.Push(OpenSshClient.Start(_directory, environment, "-Y", "--", "echo display=[$DISPLAY]; echo still here"));
        var exit = await ssh.WaitForExitAsync();

        Assert.True(exit == 0, $"ssh exited {exit}\n{ssh.Stdout}\n{ssh.Stderr}");
        Assert.DoesNotContain("display=[:1", ssh.Stdout);
        Assert.Contains("still here", ssh.Stdout);
        Assert.Contains("X11 forwarding request failed", ssh.Stderr);
        Assert.Contains($"X11 forwarding refused for session 0: {planted} belongs to uid {other.Id.ToString(CultureInfo.InvariantCulture)}", ssh.Stderr);
        Assert.Empty(Directory.EnumerateFileSystemEntries(planted));
    }

    [Fact]
    public async Task X11Forwarding_SocketDirectoryASymbolicLinkByAnotherUser_IsRefusedAndNothingIsMadeWhereItPoints()
    {
        var other = _cleanup.Push(await SecondUser.CreateAsync());
        var shared = SharedTemp();
        var target = Path.Join(shared, "attacker");
        await other.RunCheckedAsync($"mkdir -m 0777 '{target}'");
        await other.RunCheckedAsync($"ln -s '{target}' '{Path.Join(shared, ".X11-unix")}'");
        var (environment, _) = X11Environment(shared);

        var ssh = _cleanup.Push(OpenSshClient.Start(_directory, environment, "-Y", "--", "echo display=[$DISPLAY]"));
        var exit = await ssh.WaitForExitAsync();

        Assert.True(exit == 0, $"ssh exited {exit}\n{ssh.Stdout}\n{ssh.Stderr}");
        Assert.DoesNotContain("display=[:1", ssh.Stdout);
        Assert.Contains($"X11 forwarding refused for session 0: {Path.Join(shared, ".X11-unix")} is a symbolic link", ssh.Stderr);
        Assert.Empty(Directory.EnumerateFileSystemEntries(target));
    }

    // A directory every user may write to (as /tmp), inside the spec's own: what the agent gets as TMPDIR.
    private string SharedTemp()
    {
        File.SetUnixFileMode(_directory.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        var shared = _directory.Combine("shared");
        Directory.CreateDirectory(shared);
        File.SetUnixFileMode(shared, (UnixFileMode)Convert.ToInt32("1777", 8));
        return shared;
    }

    // ssh -Y needs a DISPLAY on the client (nothing connects to it here) and an Xauthority file; the agent behind
    // ProxyCommand inherits TMPDIR and HOME.
    private (Dictionary<string, string> Environment, string Temp) X11Environment(string temp)
    {
        var home = _directory.Combine("home");
        Directory.CreateDirectory(home);
        File.WriteAllBytes(_directory.Combine("client-xauthority"), []);
        return (new Dictionary<string, string>
        {
            ["DISPLAY"] = "127.0.0.1:99",
            ["XAUTHORITY"] = _directory.Combine("client-xauthority"),
            ["HOME"] = home,
            ["TMPDIR"] = temp,
        }, temp);
    }
}
