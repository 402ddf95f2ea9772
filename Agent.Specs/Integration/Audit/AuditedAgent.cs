using System.Globalization;
using System.Text.Json;
using Agent.Specs.Utilities;

namespace Agent.Specs.Integration.Audit;

/// <summary>
/// An agent with an SSH listener, started as README shows it: <c>agent dev</c> (<see cref="StartDevAsync"/>) or
/// <c>agent server</c> and <c>agent run</c> (<see cref="StartRunAsync"/>) with <c>--ssh-address</c>, <c>--authorized-keys</c>
/// and the spec's flags; a generated client key; the real <c>ssh</c>, <c>sftp</c>, <c>scp</c> and <c>rsync</c> against it;
/// and the control plane's <c>/connections</c>.
/// </summary>
public sealed class AuditedAgent : IAsyncDisposable
{
    private readonly IntegrationHarness _harness = new();

    public int Port { get; } = FreePort.Next();

    public string Key => _harness.Combine("id_ed25519");

    public string AuthorizedKeys => _harness.Combine("authorized_keys");

    public string Directory => _harness.Combine("files");

    public RunningProcess Agent => _harness.Agent!;

    /// <summary>The control plane's address.</summary>
    public Uri Url => _harness.Url;

    /// <summary>The client key's <c>SHA256:...</c> fingerprint.</summary>
    public string Fingerprint { get; private set; } = string.Empty;

    /// <summary>The ssh options that reach this agent (host keys not checked: each agent makes its own).</summary>
    public string[] SshOptions =>
    [
        "-F", "/dev/null", "-i", Key, "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
        "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-p", Port.ToString(CultureInfo.InvariantCulture),
    ];

    public async Task StartDevAsync(params string[] flags)
    {
        await PrepareAsync();
        await _harness.StartDevAsync(["--ssh-address", $"127.0.0.1:{Port}", "--authorized-keys", AuthorizedKeys, .. flags]);
        await Agent.WaitForOutputAsync($"SSH server listening on 127.0.0.1:{Port}");
    }

    /// <summary><c>agent server</c>, then <c>agent run ... --ssh-address --authorized-keys FLAGS</c>.</summary>
    public async Task StartRunAsync(params string[] flags)
    {
        await PrepareAsync();
        await _harness.StartServerAsync();
        _harness.StartAgent(["--ssh-address", $"127.0.0.1:{Port}", "--authorized-keys", AuthorizedKeys, .. flags]);
        await Agent.WaitForOutputAsync($"SSH server listening on 127.0.0.1:{Port}");
    }

    /// <summary><c>agent server</c>, then <c>agent run --url --token --ssh-address --authorized-keys</c> with <paramref name="environment"/>.</summary>
    public async Task StartRunWithEnvironmentAsync(IReadOnlyDictionary<string, string> environment)
    {
        await PrepareAsync();
        await _harness.StartServerAsync();
        _harness.StartAgentWithEnvironment(
            environment, "--url", _harness.Url.ToString(), "--token", _harness.AgentToken, "--ssh-address", $"127.0.0.1:{Port}", "--authorized-keys", AuthorizedKeys);
        await Agent.WaitForOutputAsync($"SSH server listening on 127.0.0.1:{Port}");
    }

    public Task<ProcessRunner.Result> SshAsync(string command, params string[] options)
        => ProcessRunner.RunAsync("ssh", [.. SshOptions, .. options, "127.0.0.1", command], [], TimeSpan.FromSeconds(60));

    /// <summary>Runs <c>sftp -b</c> with <paramref name="commands"/>.</summary>
    public async Task<ProcessRunner.Result> SftpAsync(params string[] commands)
    {
        var batch = _harness.Combine($"batch-{Guid.NewGuid():n}");
        await File.WriteAllLinesAsync(batch, commands);
        return await ProcessRunner.RunAsync("sftp", [.. SftpAndScpOptions(), "-b", batch, "127.0.0.1"], [], TimeSpan.FromSeconds(60));
    }

    /// <summary>Runs <c>scp</c> with <paramref name="arguments"/> (the remote host is <c>127.0.0.1</c>).</summary>
    public Task<ProcessRunner.Result> ScpAsync(params string[] arguments)
        => ProcessRunner.RunAsync("scp", [.. SftpAndScpOptions(), .. arguments], [], TimeSpan.FromSeconds(60));

    /// <summary>Runs <c>rsync -e "ssh ..."</c> with <paramref name="arguments"/>.</summary>
    public Task<ProcessRunner.Result> RsyncAsync(params string[] arguments)
        => ProcessRunner.RunAsync("rsync", ["-e", "ssh " + string.Join(' ', SshOptions), .. arguments], [], TimeSpan.FromSeconds(60));

    /// <summary>Runs <c>agent speedtest --agent main ... --url --token</c> as README shows it (through the relay).</summary>
    public Task<ProcessRunner.Result> SpeedtestAsync(params string[] flags)
        => AgentBinary.RunAsync(
            ["speedtest", "--agent", IntegrationHarness.AgentName, .. flags, "--url", _harness.Url.ToString(), "--token", IntegrationHarness.UserToken],
            new Dictionary<string, string> { ["HOME"] = _harness.Home },
            timeout: TimeSpan.FromSeconds(60));

    /// <summary>The control plane's connections of the agent, newest first.</summary>
    public async Task<JsonElement[]> ConnectionsAsync() => [.. (await _harness.GetAsync("/connections")).EnumerateArray()];

    /// <summary>Waits for a connection whose <c>what</c> is <paramref name="what"/> and that <paramref name="done"/> accepts.</summary>
    public Task<JsonElement> WaitForConnectionAsync(string what, Func<JsonElement, bool> done)
        => Eventually.WaitAsync(
            async () => (await ConnectionsAsync()).FirstOrDefault(connection => connection.GetProperty("what").GetString() == what),
            connection => connection.ValueKind == JsonValueKind.Object && done(connection),
            $"the connection \"{what}\" in /connections\n--- agent ---\n{Agent.Output}");

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    private async Task PrepareAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        var keygen = await ProcessRunner.RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", string.Empty, "-f", Key]);
        Assert.Equal(0, keygen.ExitCode);
        File.Copy(Key + ".pub", AuthorizedKeys);
        var fingerprint = await ProcessRunner.RunAsync("ssh-keygen", ["-l", "-E", "sha256", "-f", Key + ".pub"]);
        Fingerprint = fingerprint.Text.Split(' ')[1];
        _harness.WriteWorkspace(Manifests.With());
    }

    // sftp and scp spell the port -P.
    private string[] SftpAndScpOptions()
    {
        var options = SshOptions.ToList();
        var port = options.IndexOf("-p");
        options[port] = "-P";
        return [.. options];
    }
}
