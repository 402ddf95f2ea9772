
using Agent.Specs.Utilities;

namespace Agent.Specs.Integration.Ssh.Clients;

/// <summary>
/// Paramiko (Debian <c>python3-paramiko</c>) from <c>/usr/bin/python3 -c</c>: exec with exit status, a pty session,
/// and SFTP; the host key checked against a known_hosts file (<c>RejectPolicy</c>), inetd through <c>ProxyCommand</c>.
/// </summary>
[Trait("Category", "Integration")]
[Collection(SshClientCollection.Name)]
public sealed class ParamikoClientSpecs(SshClientTargets targets)
{
    private const string Script = """
        import io, sys, paramiko
        target, where, known_hosts, key, user, upload = sys.argv[1:7]
        client = paramiko.SSHClient()
        client.load_host_keys(known_hosts)
        client.set_missing_host_key_policy(paramiko.RejectPolicy())
        if target == "Inetd":
            client.connect("agent-spec", username=user, key_filename=key, sock=paramiko.ProxyCommand(where), look_for_keys=False, allow_agent=False, timeout=30)
        else:
            client.connect("127.0.0.1", port=int(where), username=user, key_filename=key, look_for_keys=False, allow_agent=False, timeout=30)
        _, out, err = client.exec_command("echo paramiko-out; echo paramiko-err >&2; exit 5")
        print("exec", out.read().decode().strip(), err.read().decode().strip(), out.channel.recv_exit_status())
        channel = client.get_transport().open_session()
        channel.get_pty("xterm", 101, 33)
        channel.exec_command("stty size; tty")
        print("pty", channel.makefile().read().decode().replace("\r\n", " ").strip(), channel.recv_exit_status())
        sftp = client.open_sftp()
        sftp.putfo(io.BytesIO(b"x" * 100000), upload)
        print("sftp", sftp.stat(upload).st_size)
        sftp.close()
        client.close()
        """;

    [Theory]
    [InlineData(SshTarget.Listener)]
    [InlineData(SshTarget.Inetd)]
    public async Task Paramiko_ExecPtyAndSftp(SshTarget target)
    {
        var upload = targets.Combine($"paramiko-{target}.bin");
        var where = target == SshTarget.Listener ? targets.PortText : targets.InetdCommand;

        var result = await ProcessRunner.RunAsync(
            "/usr/bin/python3",
            ["-c", Script, target.ToString(), where, targets.KnownHosts, targets.ClientKey, targets.User, upload],
            timeout: TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 0, $"python3 exited {result.ExitCode}: {result.Error}\n--- agent ---\n{targets.Agent.Output}");
        var lines = result.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("exec paramiko-out paramiko-err 5", lines[0]);
        Assert.Matches("^pty 33 101 /dev/pts/[0-9]+ 0$", lines[1]);
        Assert.Equal("sftp 100000", lines[2]);
        Assert.Equal(100000, new FileInfo(upload).Length);
    }
}
