using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Agent.Specs.Utilities;

namespace Agent.Specs.Runtime.Sshd.Forwarding;

/// <summary>
/// The OpenSSH client (9.2) forwarding through a real agent process (<c>agent ssh-server --inetd</c>): local and
/// remote TCP forwards, Unix socket forwards both ways, connect failures that leave the session alive, the
/// per-connection listener bound, cancel through a control master, and agent forwarding with a real ssh-agent.
/// </summary>
public sealed class SshForwardingInteropSpecs : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly DisposeStack _cleanup = new();

    public SshForwardingInteropSpecs()
    {
        OpenSshClient.Prepare(_directory);
    }

    public void Dispose()
    {
        _cleanup.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task LocalForward_ToAnEchoServer_RoundTripsWithEofBothWays()
    {
        using var echo = EchoServer.Tcp();
        var port = FreePort.Next();
        var ssh = _cleanup.Push(OpenSshClient.Start(_directory, null, "-N", "-L", $"127.0.0.1:{port}:127.0.0.1:{echo.Port}"));
        var endPoint = new IPEndPoint(IPAddress.Loopback, port);

        var reply = await ssh.WithOutputAsync(EchoServer.RoundTripWhenReadyAsync(endPoint, "hello"));
        var large = RandomNumberGenerator.GetBytes(3 * 1024 * 1024);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var largeReply = await EchoServer.RoundTripAsync(endPoint, large, timeout.Token);

        Assert.Equal("echo:hello", reply);
        Assert.Equal(large, largeReply[5..]);
    }

    [Fact]
    public async Task RemoteForward_ExplicitLoopbackPort_ConnectsBackToTheClientSide()
    {
        using var echo = EchoServer.Tcp();
        var port = FreePort.Next();
        var ssh = _cleanup.Push(OpenSshClient.Start(_directory, null, "-N", "-R", $"127.0.0.1:{port}:127.0.0.1:{echo.Port}"));

        var reply = await ssh.WithOutputAsync(EchoServer.RoundTripWhenReadyAsync(new IPEndPoint(IPAddress.Loopback, port), "from the workspace"));

        Assert.Equal("echo:from the workspace", reply);
    }

    [Fact]
    public async Task RemoteForward_PortZero_ReplyCarriesTheAllocatedPortAndTheListenerEndsWithTheConnection()
    {
        using var echo = EchoServer.Tcp();
        var ssh = _cleanup.Push(OpenSshClient.Start(_directory, null, "-N", "-R", $"0:127.0.0.1:{echo.Port}"));

        var line = await ssh.WaitForStderrAsync("Allocated port");
        var port = int.Parse(Regex.Match(line, @"Allocated port (\d+)").Groups[1].Value);
        var reply = await ssh.WithOutputAsync(EchoServer.RoundTripWhenReadyAsync(new IPEndPoint(IPAddress.Loopback, port), "zero"));
        ssh.KillClientOnly();

        Assert.Equal("echo:zero", reply);
        await Eventually.WaitAsync(() => !IsListening(port), $"port {port} to close with the connection");
    }

    [Fact]
    public async Task LocalForward_ToAClosedPort_OpenFailsAndTheSessionGoesOn()
    {
        var closed = FreePort.Next();
        var port = FreePort.Next();
        var ssh = _cleanup.Push(OpenSshClient.Start(_directory, null, "-L", $"127.0.0.1:{port}:127.0.0.1:{closed}", "--", "read line; echo alive $line"));
        var endPoint = new IPEndPoint(IPAddress.Loopback, port);

        // ssh accepts locally, the agent's connect is refused: the local connection is closed without data.
        await ssh.WithOutputAsync(EchoServer.ClosedWithoutDataAsync(endPoint));
        var failure = await ssh.WaitForStderrAsync("open failed");
        await ssh.Stdin.WriteLineAsync("still");
        await ssh.Stdin.FlushAsync();
        await ssh.WaitForStdoutAsync("alive still");

        Assert.Contains("connect failed", failure);
        Assert.Equal(0, await ssh.WaitForExitAsync());
    }

    [Fact]
    public async Task RemoteForwards_MoreThanThePerConnectionBound_TheExtraOneIsRefused()
    {
        // Distinct targets: ssh drops duplicate -R specifications; nothing connects, so the targets need no server.
        var arguments = new List<string> { "-N", "-o", "ExitOnForwardFailure=no" };
        for (var i = 0; i < 33; i++)
            arguments.AddRange(["-R", $"0:127.0.0.1:{20000 + i}"]);
        var ssh = _cleanup.Push(OpenSshClient.Start(_directory, null, [.. arguments]));

        await ssh.WaitForStderrAsync("remote port forwarding failed");
        await ssh.WithOutputAsync(Eventually.WaitAsync(() => Regex.Matches(ssh.Stderr, "Allocated port").Count == 32, "32 allocated ports"));

        Assert.Single(Regex.Matches(ssh.Stderr, "remote port forwarding failed"));
    }

    [Fact]
    public async Task CancelRemoteForward_ThroughAControlMaster_ClosesTheListener()
    {
        using var echo = EchoServer.Tcp();
        var control = _directory.Combine("control");
        var port = FreePort.Next();
        var master = _cleanup.Push(OpenSshClient.Start(_directory, null, "-N", "-M", "-S", control, "-R", $"127.0.0.1:{port}:127.0.0.1:{echo.Port}"));
        var endPoint = new IPEndPoint(IPAddress.Loopback, port);
        Assert.Equal("echo:before", await EchoServer.RoundTripWhenReadyAsync(endPoint, "before"));

        OpenSshClient.Run("ssh", "-F", "/dev/null", "-S", control, "-O", "cancel", "-R", $"127.0.0.1:{port}:127.0.0.1:{echo.Port}", "workspace");

        await master.WithOutputAsync(Eventually.WaitAsync(() => !IsListening(port), $"port {port} to close"));
        Assert.False(master.HasExited);
    }

    [Fact]
    public async Task UnixLocalForward_ToAWorkspaceSocket_RoundTrips()
    {
        var remote = _directory.Combine("remote.sock");
        var local = _directory.Combine("local.sock");
        using var echo = EchoServer.Unix(remote);
        var ssh = _cleanup.Push(OpenSshClient.Start(_directory, null, "-N", "-L", $"{local}:{remote}"));

        var reply = await ssh.WithOutputAsync(EchoServer.RoundTripWhenReadyAsync(new UnixDomainSocketEndPoint(local), "over unix"));

        Assert.Equal("echo:over unix", reply);
    }

    [Fact]
    public async Task UnixRemoteForward_InANewDirectory_ListensPrivatelyAndIsRemovedWithTheConnection()
    {
        var local = _directory.Combine("client.sock");
        var remote = _directory.Combine("made", "by", "agent.sock");
        using var echo = EchoServer.Unix(local);
        var ssh = _cleanup.Push(OpenSshClient.Start(_directory, null, "-N", "-R", $"{remote}:{local}"));

        var reply = await ssh.WithOutputAsync(EchoServer.RoundTripWhenReadyAsync(new UnixDomainSocketEndPoint(remote), "reverse"));
        var mode = File.GetUnixFileMode(_directory.Combine("made", "by"));
        ssh.KillClientOnly();

        Assert.Equal("echo:reverse", reply);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, mode);
        await ssh.WithOutputAsync(Eventually.WaitAsync<bool?>(() => Task.FromResult<bool?>(!File.Exists(remote)), gone => gone == true, "the forwarded socket file to be removed"));
    }

    [Fact]
    public async Task UnixRemoteForward_PathForwardedByAnotherConnection_IsRefusedAndTheFirstKeepsWorking()
    {
        var local = _directory.Combine("client.sock");
        var remote = _directory.Combine("shared.sock");
        using var echo = EchoServer.Unix(local);
        var first = _cleanup.Push(OpenSshClient.Start(_directory, null, "-N", "-R", $"{remote}:{local}"));
        Assert.Equal("echo:first", await first.WithOutputAsync(EchoServer.RoundTripWhenReadyAsync(new UnixDomainSocketEndPoint(remote), "first")));

        var second = _cleanup.Push(OpenSshClient.Start(_directory, null, "-N", "-R", $"{remote}:{local}"));
        var exit = await second.WaitForExitAsync();

        Assert.Equal(255, exit);
        Assert.Contains("remote port forwarding failed", second.Stderr);
        Assert.Equal("echo:still", await first.WithOutputAsync(EchoServer.RoundTripWhenReadyAsync(new UnixDomainSocketEndPoint(remote), "still")));
    }

    [Fact]
    public async Task UnixLocalForward_ToAMissingSocket_OpenFailsWithConnectFailed()
    {
        var local = _directory.Combine("local.sock");
        var ssh = _cleanup.Push(OpenSshClient.Start(_directory, null, "-N", "-L", $"{local}:{_directory.Combine("nobody-listens.sock")}"));

        await ssh.WithOutputAsync(EchoServer.ClosedWithoutDataAsync(new UnixDomainSocketEndPoint(local)));
        var failure = await ssh.WaitForStderrAsync("open failed");

        Assert.Contains("connect failed: No such file or directory", failure);
        Assert.False(ssh.HasExited);
    }

    [Fact]
    public async Task AgentForwarding_WithARealSshAgent_SessionListsTheKeyAndTheSocketGoesAway()
    {
        var agentSocket = _directory.Combine("agent.sock");
        var agent = _cleanup.Push(Agent.Specs.Integration.RunningProcess.Start(
            new System.Diagnostics.ProcessStartInfo("ssh-agent") { ArgumentList = { "-D", "-a", agentSocket }, RedirectStandardOutput = true, RedirectStandardError = true },
            "ssh-agent"));
        await Eventually.WaitAsync(() => File.Exists(agentSocket), "ssh-agent to listen");
        var environment = new Dictionary<string, string> { ["SSH_AUTH_SOCK"] = agentSocket };
        OpenSshClient.Run(environment, "ssh-add", _directory.Combine("id"));
        var fingerprint = OpenSshClient.Run("ssh-keygen", "-l", "-f", _directory.Combine("id.pub")).Split(' ')[1];

        var ssh = _cleanup.Push(OpenSshClient.Start(_directory, environment, "-A", "--", "echo sock=$SSH_AUTH_SOCK; ssh-add -l"));
        var exit = await ssh.WaitForExitAsync();

        Assert.True(exit == 0, $"ssh exited {exit}\n{ssh.Stdout}\n{ssh.Stderr}");
        Assert.Contains(fingerprint, ssh.Stdout);
        var forwarded = Regex.Match(ssh.Stdout, "sock=(\\S+)").Groups[1].Value;
        Assert.NotEqual(agentSocket, forwarded);
        Assert.StartsWith(Path.GetTempPath().TrimEnd('/'), forwarded);
        await ssh.WithOutputAsync(Eventually.WaitAsync<bool?>(() => Task.FromResult<bool?>(!Directory.Exists(Path.GetDirectoryName(forwarded))), gone => gone == true, "the forwarded agent directory to be removed"));
        Assert.False(agent.HasExited);
    }

    [Fact]
    public async Task X11Forwarding_TrustedWithoutXauthData_XauthListsTheCookieAndAnXClientReachesTheClientDisplay()
    {
        using var xserver = FakeXServer.Start();
        var home = _directory.Combine("home");
        var temp = _directory.Combine("tmp");
        Directory.CreateDirectory(home);
        Directory.CreateDirectory(temp);
        File.WriteAllBytes(_directory.Combine("client-xauthority"), []);
        var script = _directory.Combine("x11-client.py");
        File.WriteAllText(script, X11ClientScript);
        var environment = new Dictionary<string, string>
        {
            ["DISPLAY"] = $"127.0.0.1:{xserver.Display}",
            ["XAUTHORITY"] = _directory.Combine("client-xauthority"),
            ["HOME"] = home,
            ["TMPDIR"] = temp,
        };

        var ssh = _cleanup.Push(OpenSshClient.Start(_directory, environment, "-Y", "--", $"echo display=$DISPLAY; xauth -f ~/.Xauthority list; python3 {script}"));
        var exit = await ssh.WaitForExitAsync();
        var (name, dataLength) = await xserver.Setup.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(exit == 0, $"ssh exited {exit}\n{ssh.Stdout}\n{ssh.Stderr}");
        Assert.Contains("display=:10.0", ssh.Stdout);
        Assert.Matches(@"/unix:10 +MIT-MAGIC-COOKIE-1 +[0-9a-f]{32}", ssh.Stdout);
        Assert.Contains("reply=X11-OK", ssh.Stdout);
        Assert.Equal(("MIT-MAGIC-COOKIE-1", 16), (name, dataLength));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Join(home, ".Xauthority")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Join(temp, ".X11-unix")));
        await ssh.WithOutputAsync(Eventually.WaitAsync(() => !File.Exists(Path.Join(temp, ".X11-unix", "X10")), "the X11 socket to be removed"));
    }

    private static bool IsListening(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    // An X client in the session: the cookie from ~/.Xauthority (via xauth), a little-endian connection setup to
    // the display socket, and the first bytes of the answer (which comes from the client side's X server).
    private const string X11ClientScript = """
        import os, socket, struct, subprocess
        display = os.environ["DISPLAY"].split(":")[1].split(".")[0]
        listing = subprocess.run(["xauth", "-f", os.path.expanduser("~/.Xauthority"), "list"], capture_output=True, text=True).stdout
        cookie = bytes.fromhex([l for l in listing.splitlines() if l.split()[0].endswith("/unix:" + display)][0].split()[2])
        name = b"MIT-MAGIC-COOKIE-1"
        pad = lambda b: b + b"\0" * (-len(b) % 4)
        s = socket.socket(socket.AF_UNIX)
        s.connect(os.path.join(os.environ.get("TMPDIR", "/tmp"), ".X11-unix", "X" + display))
        s.sendall(struct.pack("<cxHHHHxx", b"l", 11, 0, len(name), len(cookie)) + pad(name) + pad(cookie))
        reply = b""
        while not reply.endswith(b"\n"):
            chunk = s.recv(100)
            if not chunk:
                break
            reply += chunk
        print("reply=" + reply.decode().strip())
        """;
}
