using System.Text;
using Agent.Runtime.Ssh.Keys;
using Agent.Specs.Utilities;
using Microsoft.Extensions.Logging.Abstractions;
using Renci.SshNet;

namespace Agent.Specs.Integration.Ssh;

/// <summary>
/// SSH.NET against <c>agent dev --ssh-address</c> (a real listener, a real agent, many sessions at once) and against
/// <c>agent ssh-server --inetd</c> started per connection by an inetd-like socket bridge.
/// </summary>
[Trait("Category", "Integration")]
public sealed class SshNetInteropSpecs
{
    [Fact]
    public async Task Listener_FiftyConcurrentSessions_PtyResize_ReportsHostKeys()
    {
        await using var harness = new IntegrationHarness();
        var key = harness.Combine("id_ed25519");
        Assert.Equal(0, (await ProcessRunner.RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", string.Empty, "-f", key])).ExitCode);
        var authorized = harness.Combine("authorized_keys");
        File.Copy(key + ".pub", authorized);
        var port = FreePort.Next();
        harness.WriteWorkspace(Manifests.With(directory: "~"));
        await harness.StartDevAsync("--ssh-address", $"127.0.0.1:{port}", "--authorized-keys", authorized);
        await harness.Agent!.WaitForOutputAsync("SSH server listening");

        var summary = await Eventually.WaitAsync(
            async () => await harness.GetAsync(string.Empty),
            agent => agent.GetProperty("ssh_host_keys").GetArrayLength() == 3,
            "the startup report to carry the host keys");
        Assert.Contains(summary.GetProperty("ssh_host_keys").EnumerateArray(), line => line.GetString()!.StartsWith("ssh-ed25519 ", StringComparison.Ordinal));

        // Async all the way: fifty blocking connects would starve the thread pool of the spec process itself. One
        // source may have 10 connections at once before login, so the logins go 10 at a time; the sessions overlap.
        using var logins = new SemaphoreSlim(10);
        var tasks = Enumerable.Range(0, 50).Select(async i =>
        {
            using var client = new SshClient(new ConnectionInfo("127.0.0.1", port, Environment.UserName, new PrivateKeyAuthenticationMethod(Environment.UserName, new PrivateKeyFile(key))));
            await logins.WaitAsync();
            try
            {
                await client.ConnectAsync(CancellationToken.None);
            }
            finally
            {
                logins.Release();
            }

            using var command = client.CreateCommand($"echo session-{i}; echo $PWD");
            await command.ExecuteAsync();
            Assert.Equal(0, command.ExitStatus);
            return command.Result;
        }).ToList();
        var results = await Task.WhenAll(tasks);
        for (var i = 0; i < results.Length; i++)
            Assert.Equal($"session-{i}\n{harness.Home}\n", results[i]);

        using var shellClient = new SshClient(new ConnectionInfo("127.0.0.1", port, Environment.UserName, new PrivateKeyAuthenticationMethod(Environment.UserName, new PrivateKeyFile(key))));
        await shellClient.ConnectAsync(CancellationToken.None);
        using var shell = shellClient.CreateShellStream("xterm", 80, 24, 0, 0, 4096);
        var screen = new StringBuilder();
        shell.DataReceived += (_, e) => { lock (screen) screen.Append(Encoding.UTF8.GetString(e.Data)); };
        shell.WriteLine("stty size");
        await Eventually.WaitAsync(() => { lock (screen) return screen.ToString().Contains("24 80", StringComparison.Ordinal); }, "stty size 24 80");
        shell.ChangeWindowSize(120, 40, 0, 0);
        shell.WriteLine("stty size");
        await Eventually.WaitAsync(() => { lock (screen) return screen.ToString().Contains("40 120", StringComparison.Ordinal); }, $"stty size 40 120 after the resize; screen: {screen}");
    }

    [Fact]
    public async Task Inetd_ExecSftpAndHostKey()
    {
        using var directory = new TempDirectory();
        var key = directory.Combine("id_ed25519");
        Assert.Equal(0, (await ProcessRunner.RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", string.Empty, "-f", key])).ExitCode);
        File.Copy(key + ".pub", directory.Combine("authorized_keys"));
        string[] hostKey;
        using (var store = HostKeyStore.LoadOrCreateIn(directory.Combine("hostkeys"), NullLogger.Instance))
            hostKey = store.Keys.Select(k => k.ToOpenSshPublicKey()).ToArray();
        await using var bridge = new InetdSocketBridge(() => AgentBinary.StartInfo(
            "ssh-server", "--inetd", "--host-key-dir", directory.Combine("hostkeys"), "--authorized-keys", directory.Combine("authorized_keys")));

        using var client = new SftpClient(new ConnectionInfo("127.0.0.1", bridge.Port, Environment.UserName, new PrivateKeyAuthenticationMethod(Environment.UserName, new PrivateKeyFile(key))));
        string? seen = null;
        client.HostKeyReceived += (_, e) =>
        {
            seen = $"{e.HostKeyName} {Convert.ToBase64String(e.HostKey)}";
            e.CanTrust = hostKey.Contains(seen);
        };
        await client.ConnectAsync(CancellationToken.None);
        using var upload = new MemoryStream(Encoding.ASCII.GetBytes("over sftp\n"));
        await Task.Run(() => client.UploadFile(upload, directory.Combine("uploaded.txt")));
        client.Disconnect();

        using var ssh = new SshClient(new ConnectionInfo("127.0.0.1", bridge.Port, Environment.UserName, new PrivateKeyAuthenticationMethod(Environment.UserName, new PrivateKeyFile(key))));
        ssh.HostKeyReceived += (_, e) => e.CanTrust = hostKey.Contains($"{e.HostKeyName} {Convert.ToBase64String(e.HostKey)}");
        await ssh.ConnectAsync(CancellationToken.None);
        using var command = ssh.CreateCommand($"cat {directory.Combine("uploaded.txt")}; exit 4");
        await command.ExecuteAsync();
        ssh.Disconnect();

        Assert.Contains(seen, hostKey);
        Assert.Equal("over sftp\n", command.Result);
        Assert.Equal(4, command.ExitStatus);
    }
}
