using System.Diagnostics;
using System.Text.Json.Nodes;
using Agent.Reactive.Shell;
using Agent.Specs.Utilities;

namespace Agent.Specs.Integration.Git;

/// <summary>
/// Real git inside a running <c>agent dev</c>, as the native binary and as <c>dotnet agent.dll</c>: over SSH with
/// <c>GIT_SSH_COMMAND</c> (<c>agent gitssh</c>, the workspace's key from the control plane) and over HTTP with
/// <c>GIT_ASKPASS</c> (the agent's askpass mode, the credentials of the workspace file's <c>git_auth</c>).
/// </summary>
public sealed class GitHelpersIntegrationSpecs : IAsyncLifetime
{
    private const string Readme = "hello from the remote";
    private const string HttpUser = "builder";
    private const string HttpPassword = "s3cret-pass-4c1e";

    private readonly IntegrationHarness _harness = new();
    private readonly List<RunningProcess> _processes = [];

    private string Temporary => _harness.Combine("tmp");

    // A space in the data directory puts one in the askpass wrapper's path (GIT_ASKPASS, run without a shell).
    private string Data => _harness.Combine("data dir");

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(Temporary);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var process in _processes)
            process.Dispose();
        await _harness.DisposeAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GitClone_OverSshInASessionOfAgentDev_AuthenticatesWithTheWorkspacesGitKeyAndLeavesNoKeyFile(bool native)
    {
        var gitKey = _harness.Combine("git_key");
        var keygen = await ProcessRunner.RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", string.Empty, "-C", "workspace-git-key", "-f", gitKey]);
        Assert.Equal(0, keygen.ExitCode);

        // Only the workspace's git key may log in directly: the clone works only if agent gitssh used it.
        var authorizedKeys = _harness.Combine("authorized_keys");
        File.Copy(gitKey + ".pub", authorizedKeys);
        var remote = _harness.Combine("remote", "repo.git");
        await GitRemote.CreateBareAsync(remote, Readme);
        WriteWorkspace(new JsonObject(), new JsonObject
        {
            ["public_key"] = (await File.ReadAllTextAsync(gitKey + ".pub")).Trim(),
            ["private_key"] = await File.ReadAllTextAsync(gitKey),
        });
        var sshPort = FreePort.Next();

        // The agent runs from a folder with a space and a quote in its name: GIT_SSH_COMMAND must quote it for sh -c.
        var agentCopy = _harness.Combine("it's my agent");
        var copy = await ProcessRunner.RunAsync("cp", ["-a", Path.GetDirectoryName(AgentBinary.Path)!, agentCopy]);
        Assert.True(copy.ExitCode == 0, copy.Error);
        var dev = await StartDevAsync(native, Path.Join(agentCopy, "agent.dll"), "--ssh-address", $"127.0.0.1:{sshPort}", "--authorized-keys", authorizedKeys);
        var knownHosts = WriteKnownHosts($"[127.0.0.1]:{sshPort}", "agent.main");

        // The spec's own session goes through the relay (the control plane authenticated it); inside it, git over SSH.
        var destination = _harness.Combine("clone");
        var script = string.Join(
            '\n',
            "export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1",
            $"export GIT_SSH_COMMAND=\"$GIT_SSH_COMMAND -F /dev/null -o UserKnownHostsFile={knownHosts} -o StrictHostKeyChecking=yes -o BatchMode=yes\"",
            $"git clone -q ssh://$USER@127.0.0.1:{sshPort}{remote} {destination} && cat {destination}/README");
        var session = await SessionAsync(native, knownHosts, script);

        Assert.True(session.ExitCode == 0, $"exit {session.ExitCode}: {session.Error}\n--- agent ---\n{dev.Output}");
        Assert.Equal(Readme, session.Text.Trim());
        Assert.Contains("served the git SSH key", dev.Output, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(Temporary, "agent-gitssh-*"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GitClone_OverHttpInTheStartupScript_AskPassAnswersWithTheWorkspacesCredentialsOnlyToGit(bool native)
    {
        await GitRemote.CreateBareAsync(_harness.Combine("remote", "repo.git"), Readme);
        await using var server = new GitHttpServer(_harness.Combine("remote"), HttpUser, HttpPassword);
        var destination = _harness.Combine("clone");
        var script = string.Join(
            '\n',
            "export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0",
            $"git clone -q {server.Url}repo.git {destination} && cat {destination}/README");
        WriteWorkspace(
            new JsonObject { ["startup_script"] = script },
            gitAuth: new JsonArray(
                new JsonObject { ["id"] = "other", ["regex"] = "^https://github\\.com", ["username"] = "wrong", ["password"] = "wrong" },
                new JsonObject { ["id"] = "spec", ["regex"] = $"^http://127\\.0\\.0\\.1:{server.Url.Port}$", ["username"] = HttpUser, ["password"] = HttpPassword }));

        var dev = await StartDevAsync(native, AgentBinary.Path);
        await _harness.WaitForLifecycleAsync("ready");

        var logs = await _harness.LogLinesAsync();
        Assert.Contains(Readme, logs);
        Assert.Equal([$"{HttpUser}:{HttpPassword}"], server.Credentials.Distinct());
        Assert.DoesNotContain(logs, line => line.Contains(HttpPassword, StringComparison.Ordinal));
        Assert.DoesNotContain(HttpPassword, dev.Output, StringComparison.Ordinal);
        Assert.Contains($"served the git credentials of provider spec for http://127.0.0.1:{server.Url.Port}", dev.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GitClone_OverHttpNoProviderMatches_GitFailsWithTheAskPassReason()
    {
        await GitRemote.CreateBareAsync(_harness.Combine("remote", "repo.git"), Readme);
        await using var server = new GitHttpServer(_harness.Combine("remote"), HttpUser, HttpPassword);
        var script = $"export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0\ngit clone -q {server.Url}repo.git {_harness.Combine("clone")}";
        WriteWorkspace(
            new JsonObject { ["startup_script"] = script },
            gitAuth: new JsonArray(new JsonObject { ["id"] = "github", ["regex"] = "^https://github\\.com", ["username"] = "u", ["password"] = "p" }));

        await StartDevAsync(native: false, AgentBinary.Path);
        await _harness.WaitForLifecycleAsync("start_error");

        var logs = string.Join('\n', await _harness.LogLinesAsync());
        Assert.Contains($"agent askpass: no git credentials for http://127.0.0.1:{server.Url.Port}: No matching git provider found", logs, StringComparison.Ordinal);
        Assert.Empty(server.Credentials);
    }

    [Fact]
    public async Task Run_UrlGivenOnlyWithTheFlag_ScriptsGetItAsCoderAgentUrl()
    {
        _harness.WriteWorkspace(new JsonObject { ["startup_script"] = "echo \"url=$CODER_AGENT_URL\"" });
        await _harness.StartServerAsync();

        _harness.StartAgent(info => info.Environment.Remove("AGENT_URL"), "--url", _harness.Url.ToString());
        await _harness.WaitForLifecycleAsync("ready");

        Assert.Contains($"url={_harness.Url}", await _harness.LogLinesAsync());
    }

    private void WriteWorkspace(JsonObject manifest, JsonObject? gitSshKey = null, JsonArray? gitAuth = null)
    {
        var workspace = new JsonObject
        {
            ["user_tokens"] = new JsonArray(IntegrationHarness.UserToken),
            ["agents"] = new JsonArray(new JsonObject { ["name"] = IntegrationHarness.AgentName, ["token"] = _harness.AgentToken, ["manifest"] = manifest }),
        };
        if (gitSshKey is not null)
            workspace["git_ssh_key"] = gitSshKey;
        if (gitAuth is not null)
            workspace["git_auth"] = gitAuth;
        File.WriteAllText(_harness.WorkspaceFile, workspace.ToJsonString());
    }

    /// <summary>
    /// <c>agent dev</c> of <paramref name="dll"/> on the harness's workspace and port, as the apphost beside it
    /// (<paramref name="native"/>) or as <c>dotnet agent.dll</c>, with a temporary directory of its own; returns once
    /// the agent's relay is up.
    /// </summary>
    private async Task<RunningProcess> StartDevAsync(bool native, string dll, params string[] extra)
    {
        string[] arguments = ["dev", "--workspace", _harness.WorkspaceFile, "--address", $"127.0.0.1:{_harness.Port}", "--log-dir", _harness.LogDirectory, "--data-dir", Data, .. extra];
        var info = native ? NativeStartInfo(Path.ChangeExtension(dll, null), arguments) : DotnetStartInfo(dll, arguments);
        info.Environment["HOME"] = _harness.Home;
        info.Environment["TMPDIR"] = Temporary;
        info.Environment.Remove("CODER_AGENT_URL");
        info.Environment.Remove("CODER_AGENT_TOKEN");
        var dev = RunningProcess.Start(info, native ? "agent dev (native)" : "agent dev (dotnet)");
        _processes.Add(dev);
        await Eventually.WaitAsync(
            async () => (await _harness.GetAsync(string.Empty)).GetProperty("relay").GetString(),
            relay => relay == "connected",
            $"agent dev's relay\n{dev.Output}");
        return dev;
    }

    private static ProcessStartInfo DotnetStartInfo(string dll, string[] arguments)
    {
        var info = NativeStartInfo("dotnet", arguments);
        info.ArgumentList.Insert(0, dll);
        return info;
    }

    private static ProcessStartInfo NativeStartInfo(string program, string[] arguments)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        return info;
    }

    /// <summary>A known-hosts file with the agent's host keys under <paramref name="names"/>.</summary>
    private string WriteKnownHosts(params string[] names)
    {
        var path = _harness.Combine("known_hosts");
        var keys = Directory.GetFiles(Path.Join(Data, "ssh"), "*.pub").Select(file => string.Join(' ', File.ReadAllText(file).Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(2)));
        File.WriteAllLines(path, keys.Select(key => $"{string.Join(',', names)} {key}"));
        return path;
    }

    /// <summary>Runs <paramref name="script"/> in an SSH session through the relay (<c>agent proxy</c> with the user token).</summary>
    private async Task<ProcessRunner.Result> SessionAsync(bool native, string knownHosts, string script)
    {
        var tokenFile = _harness.Combine("user-token");
        await File.WriteAllTextAsync(tokenFile, IntegrationHarness.UserToken);
        File.SetUnixFileMode(tokenFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var agent = native ? ShellWords.Quote(Path.ChangeExtension(AgentBinary.Path, null)) : "dotnet " + ShellWords.Quote(AgentBinary.Path);
        var proxy = $"{agent} proxy --url {_harness.Url} --token-file {ShellWords.Quote(tokenFile)} --agent {IntegrationHarness.AgentName}";
        return await ProcessRunner.RunAsync(
            "ssh",
            [
                "-F", "/dev/null",
                "-o", $"ProxyCommand={proxy}",
                "-o", "HostKeyAlias=agent.main",
                "-o", $"UserKnownHostsFile={knownHosts}",
                "-o", "StrictHostKeyChecking=yes",
                "-o", "BatchMode=yes",
                "-o", "LogLevel=ERROR",
                "-l", Environment.UserName,
                "agent.main",
                script,
            ],
            timeout: TimeSpan.FromSeconds(60));
    }
}
