
using Agent.Specs.Utilities;

namespace Agent.Specs.Integration.Ssh.Clients;

/// <summary>
/// AsyncSSH (Debian <c>python3-asyncssh</c>) from <c>/usr/bin/python3 -c</c>: exec with exit status, a pty session,
/// and SFTP; the host key checked against a known_hosts file, inetd through <c>proxy_command</c>.
/// </summary>
[Trait("Category", "Integration")]
[Collection(SshClientCollection.Name)]
public sealed class AsyncSshClientSpecs(SshClientTargets targets)
{
    private const string Script = """
        import asyncio, sys, warnings
        warnings.simplefilter("ignore")
        import asyncssh
        target, where, known_hosts, key, user, upload = sys.argv[1:7]
        async def main():
            if target == "Inetd":
                connect = asyncssh.connect("agent-spec", proxy_command=where, known_hosts=known_hosts, username=user, client_keys=[key], agent_path=None, config=[])
            else:
                connect = asyncssh.connect("127.0.0.1", port=int(where), known_hosts=known_hosts, username=user, client_keys=[key], agent_path=None, config=[])
            async with connect as conn:
                result = await conn.run("echo asyncssh-out; echo asyncssh-err >&2; exit 6")
                print("exec", result.stdout.strip(), result.stderr.strip(), result.exit_status)
                result = await conn.run("stty size; tty", term_type="xterm", term_size=(101, 33))
                print("pty", result.stdout.replace("\r\n", " ").strip(), result.exit_status)
                async with conn.start_sftp_client() as sftp:
                    async with sftp.open(upload, "wb") as f:
                        await f.write(b"y" * 100000)
                    print("sftp", (await sftp.stat(upload)).size)
        asyncio.run(asyncio.wait_for(main(), 50))
        """;

    [Theory]
    [InlineData(SshTarget.Listener)]
    [InlineData(SshTarget.Inetd)]
    public async Task AsyncSsh_ExecPtyAndSftp(SshTarget target)
    {
        var upload = targets.Combine($"asyncssh-{target}.bin");
        var where = target == SshTarget.Listener ? targets.PortText : targets.InetdCommand;

        var result = await ProcessRunner.RunAsync(
            "/usr/bin/python3",
            ["-W", "ignore", "-c", Script, target.ToString(), where, targets.KnownHosts, targets.ClientKey, targets.User, upload],
            timeout: TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 0, $"python3 exited {result.ExitCode}: {result.Error}\n--- agent ---\n{targets.Agent.Output}");
        var lines = result.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("exec asyncssh-out asyncssh-err 6", lines[0]);
        Assert.Matches("^pty 33 101 /dev/pts/[0-9]+ 0$", lines[1]);
        Assert.Equal("sftp 100000", lines[2]);
        Assert.Equal(100000, new FileInfo(upload).Length);
    }
}
