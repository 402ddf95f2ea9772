using System.Text;
using Agent.Runtime.Ssh.Auth;
using Agent.Specs.Runtime.Sshd.Forwarding;
using Agent.Specs.Utilities;

namespace Agent.Specs.Integration.Ssh;

/// <summary>
/// authorized_keys options enforced against the real OpenSSH client on <c>agent dev --ssh-address</c>: each option
/// allowed and refused.
/// </summary>
[Collection(UserKeyCollection.Name)]
public sealed class AuthorizedKeyOptionsIntegrationSpecs(UserKeyFixture agent)
{
    [Fact]
    public async Task Command_RunsInsteadOfTheClientsCommandOrSubsystem_WhichItFindsInSshOriginalCommand()
    {
        agent.Write(agent.AuthorizedKeys, $"command=\"echo \\\"forced, with\\\" $SSH_ORIGINAL_COMMAND ${{SPEC_CLIENT:-unset}} ${{LC_SPEC:-unset}}\" {agent.Line(agent.UserKey)}\n");

        // The client's variables could change what the forced command does: only the locale passes.
        var exec = await agent.SshAsync("echo asked", "-o", "SetEnv=SPEC_CLIENT=sent LC_SPEC=passed");
        var subsystem = await agent.SshAsync("sftp", "-s");

        Assert.Equal("forced, with echo asked unset passed\n", exec.Text);
        Assert.Equal("forced, with sftp unset unset\n", subsystem.Text);
    }

    [Fact]
    public async Task NoPty_RefusesThePty_AndRestrictPtyGivesItBack()
    {
        agent.Write(agent.AuthorizedKeys, $"no-pty {agent.Line(agent.UserKey)}\n");
        var refused = await agent.SshAsync("tty", "-tt");
        agent.Write(agent.AuthorizedKeys, $"restrict,pty {agent.Line(agent.UserKey)}\n");
        var allowed = await agent.SshAsync("tty", "-tt");

        // ssh -tt gives up on the session when the PTY it insists on is refused (as against sshd).
        Assert.Contains("PTY allocation request failed", refused.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("/dev/pts/", refused.Text, StringComparison.Ordinal);
        Assert.Contains("/dev/pts/", allowed.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FromAndExpiryTime_AdmitOnlyMatchingClientsUntilTheLineExpires()
    {
        var key = agent.Line(agent.UserKey);
        agent.Write(agent.AuthorizedKeys, $"from=\"10.0.0.0/8\" {key}\n");
        var elsewhere = await agent.SshAsync("echo in");
        agent.Write(agent.AuthorizedKeys, $"expiry-time=\"20200101\" {key}\n");
        var expired = await agent.SshAsync("echo in");
        agent.Write(agent.AuthorizedKeys, $"from=\"10.0.0.0/8\",command=\"echo first\" {key}\nfrom=\"127.0.0.0/8,!127.0.0.2\",expiry-time=\"29991231\",command=\"echo second\" {key}\n");
        var matching = await agent.SshAsync("echo in");

        Assert.Equal(255, elsewhere.ExitCode);
        Assert.Equal(255, expired.ExitCode);
        Assert.Equal("second\n", matching.Text);
        Assert.Contains("127.0.0.1 is not in from=\"10.0.0.0/8\"", agent.Agent.Output, StringComparison.Ordinal);
        Assert.Contains("the line expired", agent.Agent.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoPortForwarding_RefusesLocalAndRemoteForwards()
    {
        using var echo = EchoServer.Tcp();
        agent.Write(agent.AuthorizedKeys, $"no-port-forwarding {agent.Line(agent.UserKey)}\n");

        var local = await agent.SshAsync(null, "-W", $"127.0.0.1:{echo.Port}");
        var remote = await agent.SshAsync("echo up", "-o", "ExitOnForwardFailure=yes", "-R", $"{FreePort.Next()}:127.0.0.1:{echo.Port}");

        Assert.Contains("stdio forwarding failed", local.Error, StringComparison.Ordinal);
        Assert.Contains($"direct-tcpip to 127.0.0.1:{echo.Port} refused by the login's restrictions (no-port-forwarding)", agent.Agent.Output, StringComparison.Ordinal);
        Assert.Equal(0, echo.Accepted);
        Assert.Equal(255, remote.ExitCode);
        Assert.Contains("remote port forwarding failed", remote.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PermitOpenAndPermitListen_AllowOnlyTheirEndpoints()
    {
        using var echo = EchoServer.Tcp();
        using var other = EchoServer.Tcp();
        var (listen, elsewhere) = (FreePort.Next(), FreePort.Next());
        agent.Write(agent.AuthorizedKeys, $"permitopen=\"127.0.0.1:{echo.Port}\",permitlisten=\"{listen}\" {agent.Line(agent.UserKey)}\n");

        var open = await agent.RunSshAsync(agent.UserKey, null, null, Encoding.UTF8.GetBytes("ping"), ["-W", $"127.0.0.1:{echo.Port}"], null);
        var closed = await agent.SshAsync(null, "-W", $"127.0.0.1:{other.Port}");
        var listening = await agent.SshAsync("echo up", "-o", "ExitOnForwardFailure=yes", "-R", $"{listen}:127.0.0.1:{echo.Port}");
        var notListening = await agent.SshAsync("echo up", "-o", "ExitOnForwardFailure=yes", "-R", $"{elsewhere}:127.0.0.1:{echo.Port}");

        Assert.Equal("echo:ping", open.Text);
        Assert.Contains("stdio forwarding failed", closed.Error, StringComparison.Ordinal);
        Assert.Contains($"direct-tcpip to 127.0.0.1:{other.Port} refused by the login's restrictions (permitopen)", agent.Agent.Output, StringComparison.Ordinal);
        Assert.Equal(0, other.Accepted);
        Assert.Equal("up\n", listening.Text);
        Assert.Equal(255, notListening.ExitCode);
        Assert.Contains($"tcpip-forward on localhost:{elsewhere} refused by the login's restrictions (permitlisten)", agent.Agent.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoAgentForwarding_RefusesTheAgent()
    {
        var socket = agent.Combine($"agent-{Guid.NewGuid():N}.sock");
        using var sshAgent = RunningProcess.Start(
            new System.Diagnostics.ProcessStartInfo("ssh-agent") { ArgumentList = { "-D", "-a", socket }, RedirectStandardOutput = true, RedirectStandardError = true },
            "ssh-agent");
        await Eventually.WaitAsync(() => File.Exists(socket), "ssh-agent to listen");
        var environment = new Dictionary<string, string> { ["SSH_AUTH_SOCK"] = socket };
        const string Show = "echo sock=${SSH_AUTH_SOCK:-none}";

        agent.Write(agent.AuthorizedKeys, $"{agent.Line(agent.UserKey)}\n");
        var allowed = await agent.RunSshAsync(agent.UserKey, null, environment, null, ["-A"], Show);
        agent.Write(agent.AuthorizedKeys, $"no-agent-forwarding {agent.Line(agent.UserKey)}\n");
        var refused = await agent.RunSshAsync(agent.UserKey, null, environment, null, ["-A"], Show);

        Assert.StartsWith("sock=/", allowed.Text, StringComparison.Ordinal);
        Assert.Equal("sock=none\n", refused.Text);
    }

    [Fact]
    public async Task NoX11Forwarding_RefusesX11()
    {
        var environment = new Dictionary<string, string> { ["DISPLAY"] = ":99" };
        const string Show = "echo display=${DISPLAY:-none}";

        agent.Write(agent.AuthorizedKeys, $"{agent.Line(agent.UserKey)}\n");
        var allowed = await agent.RunSshAsync(agent.UserKey, null, environment, null, ["-X"], Show);
        agent.Write(agent.AuthorizedKeys, $"no-X11-forwarding {agent.Line(agent.UserKey)}\n");
        var refused = await agent.RunSshAsync(agent.UserKey, null, environment, null, ["-X"], Show);

        Assert.Matches("^display=[^ ]*:[0-9]+", allowed.Text);
        Assert.Equal("display=none\n", refused.Text);
        Assert.Contains("X11 forwarding request failed", refused.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownOption_SkipsTheLine_AndEnvironmentIsNotApplied()
    {
        var key = agent.Line(agent.UserKey);
        agent.Write(agent.AuthorizedKeys, $"no-pty,frobnicate {key}\n");
        var unknown = await agent.SshAsync("echo in");
        agent.Write(agent.AuthorizedKeys, $"environment=\"SPEC_VARIABLE=set\" {key}\n");
        var environment = await agent.SshAsync("echo ${SPEC_VARIABLE:-unset}");

        Assert.Equal(255, unknown.ExitCode);
        Assert.Contains("line 1: unknown option \"frobnicate\"", agent.Agent.Output, StringComparison.Ordinal);
        Assert.Equal("unset\n", environment.Text);
        Assert.Contains("environment= (SPEC_VARIABLE) is applied only with --permit-user-environment", agent.Agent.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SshServerInetd_PermitUserEnvironment_SetsTheKeysVariablesOverTheClients()
    {
        using var directory = new TempDirectory();
        var authorizedKeys = directory.Combine("authorized_keys");
        File.WriteAllText(authorizedKeys, $"environment=\"SPEC_VARIABLE=from-the-key\",environment=\"LANG=C.UTF-8\" {agent.Line(agent.UserKey)}\n");
        var proxy = $"dotnet {AgentBinary.Path} ssh-server --inetd --host-key-dir {directory.Combine("host-keys")} --authorized-keys {authorizedKeys} --permit-user-environment";

        var result = await ProcessRunner.RunAsync(
            "ssh",
            [
                "-F", "/dev/null", "-i", agent.UserKey, "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-o", "SetEnv=LANG=POSIX", "-o", $"ProxyCommand={proxy}",
                "workspace", "echo $SPEC_VARIABLE $LANG",
            ],
            [],
            TimeSpan.FromSeconds(60));

        Assert.Equal("from-the-key C.UTF-8\n", result.Text);
    }
}
