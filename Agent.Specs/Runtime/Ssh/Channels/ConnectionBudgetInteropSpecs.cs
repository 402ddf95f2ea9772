using System.Diagnostics;
using Agent.Runtime.Ssh.Channels;
using Agent.Runtime.Sshd.Sftp;
using Agent.Specs.Runtime.Sshd.Forwarding;
using Agent.Specs.Runtime.Sshd.Sftp;
using Agent.Specs.Utilities;

namespace Agent.Specs.Runtime.Ssh.Channels;

/// <summary>
/// What one connection may hold, against a real agent process and a real OpenSSH control master: every client run
/// with <c>-S</c> opens one more session channel on the master's single connection.
/// </summary>
public sealed class ConnectionBudgetInteropSpecs : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly DisposeStack _cleanup = new();

    public ConnectionBudgetInteropSpecs()
    {
        OpenSshClient.Prepare(_directory);
    }

    private string Control => _directory.Combine("control");

    public void Dispose()
    {
        _cleanup.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task ControlMaster_AnEleventhSession_IsAdministrativelyProhibitedAndLogged_AndAClosedOneFreesItsPlace()
    {
        var master = await StartMasterAsync();
        var sessions = new List<OpenSshClient>();
        for (var i = 0; i < SshChannelLimits.DefaultMaxSessions; i++)
        {
            var session = _cleanup.Push(OpenSshClient.Start(_directory, null, "-S", Control, "--", $"echo ready-{i}; exec sleep 60"));
            await session.WaitForStdoutAsync($"ready-{i}");
            sessions.Add(session);
        }

        var eleventh = await MuxAsync("echo eleventh");

        Assert.Equal(255, eleventh.ExitCode);
        Assert.DoesNotContain("eleventh", eleventh.Text);
        Assert.Contains("Session open refused by peer", eleventh.Error);
        await master.WaitForStderrAsync("open failed: administratively prohibited: no more sessions: at most 10 per connection");
        await master.WaitForStderrAsync("refusing a session channel: 10 sessions are open (MaxSessions)");
        sessions[0].KillClientOnly();
        await Eventually.WaitAsync(
            async () => await MuxAsync("echo again"),
            result => result is { ExitCode: 0 } && result.Text == "again\n",
            "a session once one of the ten closed");
        Assert.False(master.HasExited);
    }

    [Fact]
    public async Task ControlMaster_SftpChannelsOpeningFiles_ShareOneHandleBudgetAndTheAgentsDescriptorsStayBounded()
    {
        var file = _directory.Combine("file");
        await File.WriteAllTextAsync(file, "x");
        var master = await StartMasterAsync();
        var agent = ChildOf(master.ProcessId);
        var before = DescriptorCount(agent);
        var clients = new List<SftpTestClient>();
        for (var i = 0; i < SshChannelLimits.DefaultMaxSessions; i++)
            clients.Add(await StartSftpAsync());

        var handles = new List<(SftpTestClient Client, byte[] Handle)>();
        var refusals = new List<string>();
        foreach (var client in clients)
        {
            for (var i = 0; i < 40; i++)
            {
                var reply = await client.OpenAsync(file, SftpOpenFlags.Read);
                if (reply.Type == Agent.Runtime.Sshd.Sftp.SftpPacketType.Handle)
                    handles.Add((client, reply.Handle));
                else
                    refusals.Add($"{reply.Status}: {reply.Message}");
            }
        }

        var held = DescriptorCount(agent) - before;

        Assert.Equal(SftpHandleBudget.DefaultPerConnection, handles.Count);
        Assert.Equal((10 * 40) - SftpHandleBudget.DefaultPerConnection, refusals.Count);
        Assert.All(refusals, r => Assert.Equal("Failure: too many open handles: at most 256 per connection, all SFTP sessions together", r));
        Assert.InRange(held, SftpHandleBudget.DefaultPerConnection, SftpHandleBudget.DefaultPerConnection + 16);
        await master.WaitForStderrAsync("the connection's SFTP sessions hold its 256 handles");

        // Nothing else broke: a closed handle on one channel lets another channel open a file.
        var (owner, handle) = handles[0];
        Assert.Equal(SftpStatusCode.Ok, (await owner.HandleRequestAsync(Agent.Runtime.Sshd.Sftp.SftpPacketType.Close, handle)).Status);
        Assert.Equal(Agent.Runtime.Sshd.Sftp.SftpPacketType.Handle, (await clients[^1].OpenAsync(file, SftpOpenFlags.Read)).Type);
        foreach (var client in clients)
            await client.DisposeAsync();
    }

    private static int ChildOf(int parent)
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
                continue;
            try
            {
                var stat = File.ReadAllText(Path.Join(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1]) == parent)
                    return pid;
            }
            catch (IOException)
            {
                // Gone meanwhile.
            }
        }

        throw new InvalidOperationException($"process {parent} has no child");
    }

    private static int DescriptorCount(int pid) => Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length;

    // A session through the master alone: no ProxyCommand to fall back to when the master's session is refused.
    private Task<ProcessRunner.Result> MuxAsync(string command)
        => ProcessRunner.RunAsync("ssh", ["-F", "/dev/null", "-S", Control, "workspace", command], timeout: TimeSpan.FromSeconds(30));

    private async Task<OpenSshClient> StartMasterAsync()
    {
        var master = _cleanup.Push(OpenSshClient.Start(_directory, null, "-N", "-M", "-S", Control));
        await master.WithOutputAsync(Eventually.WaitAsync(() => File.Exists(Control), "the control master to listen"));
        return master;
    }

    // An sftp channel through the master (`ssh -S control -s host sftp`), spoken to by the spec's own client.
    private async Task<SftpTestClient> StartSftpAsync()
    {
        var info = new ProcessStartInfo("ssh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            ArgumentList = { "-F", "/dev/null", "-S", Control, "-s", "workspace", "sftp" },
        };
        var process = Process.Start(info)!;
        _cleanup.Push(new Killed(process));
        _ = process.StandardError.ReadToEndAsync();
        var exited = process.WaitForExitAsync().ContinueWith(_ => process.ExitCode, TaskScheduler.Default);
        return await SftpTestClient.ConnectAsync(process.StandardInput.BaseStream, process.StandardOutput.BaseStream, exited);
    }

    private sealed class Killed(Process process) : IDisposable
    {
        public void Dispose()
        {
            try
            {
                process.Kill();
                process.WaitForExit(5000);
            }
            catch (InvalidOperationException)
            {
                // Exited already.
            }

            process.Dispose();
        }
    }
}
