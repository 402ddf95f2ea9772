using System.Diagnostics;
using System.Text.Json.Nodes;
using Agent.Specs.Utilities;

namespace Agent.Specs.Integration.Git;

/// <summary>
/// <c>agent gitssh</c> and the askpass mode as real processes against a recording control plane: the key file, the
/// exit code, signals, and what reaches stdout and stderr. <c>ssh</c> here is a script on <c>PATH</c> that records
/// how it was called (the real OpenSSH client runs in <see cref="GitHelpersIntegrationSpecs"/>); when it waits, it reads
/// stdin, which the spec holds, so it ends with the spec whatever happens.
/// </summary>
public sealed class GitHelperProcessSpecs : IDisposable
{
    private const string AgentToken = "4f9c2a61-0d7e-4b38-9a15-6c2e8f1b3d70";
    private const string PrivateKey = "-----BEGIN OPENSSH PRIVATE KEY-----\nspec-key-body\n-----END OPENSSH PRIVATE KEY-----\n";
    private const string KeyAnswer = "{\"public_key\":\"ssh-ed25519 AAAA spec\",\"private_key\":\"-----BEGIN OPENSSH PRIVATE KEY-----\\nspec-key-body\\n-----END OPENSSH PRIVATE KEY-----\\n\"}";

    private readonly TempDirectory _directory = new();
    private readonly List<RunningProcess> _processes = [];

    public GitHelperProcessSpecs()
    {
        Directory.CreateDirectory(Temporary);
        Directory.CreateDirectory(_directory.Combine("bin"));
        var ssh = _directory.Combine("bin", "ssh");
        File.WriteAllText(ssh, $"""
            #!/bin/sh
            out={_directory.Path}
            printf '%s\n' "$@" > "$out/args"
            stat -c '%a' "$2" > "$out/mode"
            cat "$2" > "$out/key"
            touch "$out/started"
            if [ -n "$SPEC_SSH_WAITS" ]; then exec cat > /dev/null; fi
            exit 7

            """);
        File.SetUnixFileMode(ssh, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private string Temporary => _directory.Combine("tmp");

    public void Dispose()
    {
        foreach (var process in _processes)
            process.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task GitSsh_SshExits_ItsExitCodePassesThroughTheKeyFileWasPrivateAndIsGone()
    {
        await using var controlPlane = new RecordingHttpServer(KeyAnswerFor);

        var gitssh = Start(controlPlane.Url, "gitssh", "--", "-p", "2222", "git@example.com", "git-upload-pack 'team/repo.git'");
        var exit = await gitssh.WaitForExitAsync();

        Assert.True(exit == 7, gitssh.Output);
        var arguments = File.ReadAllLines(_directory.Combine("args"));
        Assert.Equal(["-i", arguments[1], "-o", "IdentitiesOnly=yes", "-p", "2222", "git@example.com", "git-upload-pack 'team/repo.git'"], arguments);
        Assert.StartsWith(Path.Join(Temporary, "agent-gitssh-"), arguments[1], StringComparison.Ordinal);
        Assert.Equal("600", File.ReadAllText(_directory.Combine("mode")).Trim());
        Assert.Equal(PrivateKey, File.ReadAllText(_directory.Combine("key")));
        Assert.False(File.Exists(arguments[1]));
        var request = Assert.Single(controlPlane.Requests);
        Assert.StartsWith("GET /api/v2/workspaceagents/me/gitsshkey ", request, StringComparison.Ordinal);
        Assert.Contains($"Coder-Session-Token: {AgentToken}", request, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GitSsh_TerminatedWhileSshRuns_PassesTheSignalToSshAndDeletesTheKey()
    {
        await using var controlPlane = new RecordingHttpServer(KeyAnswerFor);
        var gitssh = Start(controlPlane.Url, info => info.Environment["SPEC_SSH_WAITS"] = "1", "gitssh", "--", "git@example.com");
        await Eventually.WaitAsync(() => File.Exists(_directory.Combine("started")), "ssh to start");

        gitssh.Signal("TERM");
        var exit = await gitssh.WaitForExitAsync();

        Assert.True(exit == 128 + 15, gitssh.Output);
        Assert.Empty(Directory.GetFiles(Temporary, "agent-gitssh-*"));
    }

    [Fact]
    public async Task GitSsh_ControlPlaneRefusesTheToken_OneLineOnStderrExit1AndNoSsh()
    {
        await using var controlPlane = new RecordingHttpServer(RecordingHttpServer.Unauthorized);

        var gitssh = Start(controlPlane.Url, "gitssh", "--", "git@example.com");
        var exit = await gitssh.WaitForExitAsync();

        Assert.Equal(1, exit);
        Assert.Equal("agent gitssh: cannot get the git SSH key: recorded", gitssh.Output.Trim());
        Assert.False(File.Exists(_directory.Combine("started")));
    }

    [Fact]
    public async Task GitSsh_NoUrlInTheSession_SaysWhatIsMissing()
    {
        var gitssh = Start(null, "gitssh", "--", "git@example.com");

        Assert.Equal(1, await gitssh.WaitForExitAsync());
        Assert.Contains("agent gitssh: no control plane URL: CODER_AGENT_URL is not set", gitssh.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AskPass_GitsPasswordPrompt_PrintsOnlyThePasswordAndAsksWithoutTheUser()
    {
        await using var controlPlane = new RecordingHttpServer(path => Json("{\"username\":\"builder\",\"password\":\"s3cret\",\"url\":\"\"}"));

        var askpass = await RunAskPassAsync(controlPlane.Url, "Password for 'http://builder@git.internal:8080': ");

        Assert.Equal((0, "s3cret\n", string.Empty), (askpass.ExitCode, askpass.Text, askpass.Error));
        var request = Assert.Single(controlPlane.Requests);
        Assert.StartsWith("GET /api/v2/workspaceagents/me/gitauth?url=http%3A%2F%2Fgit.internal%3A8080 ", request, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AskPass_NoProviderMatches_NothingOnStdoutTheReasonOnStderrExit1()
    {
        const string NotFound = "{\"message\":\"No matching git provider found for \\\"https://gitlab.com\\\".\"}";
        await using var controlPlane = new RecordingHttpServer(path => $"HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: {NotFound.Length}\r\nConnection: close\r\n\r\n{NotFound}");

        var askpass = await RunAskPassAsync(controlPlane.Url, "Username for 'https://gitlab.com': ");

        Assert.Equal((1, string.Empty), (askpass.ExitCode, askpass.Text));
        Assert.Equal("agent askpass: no git credentials for https://gitlab.com: No matching git provider found for \"https://gitlab.com\".", askpass.Error.Trim());
    }

    [Fact]
    public async Task Server_WorkspaceWithAGitAuthRegexThatDoesNotCompile_Exit2NamingTheEntry()
    {
        var workspace = _directory.Combine("workspace.json");
        await File.WriteAllTextAsync(workspace, new JsonObject
        {
            ["user_tokens"] = new JsonArray("a-user-token-of-this-spec"),
            ["agents"] = new JsonArray(new JsonObject { ["name"] = "main", ["token"] = AgentToken, ["manifest"] = new JsonObject() }),
            ["git_auth"] = new JsonArray(new JsonObject { ["id"] = "github", ["regex"] = "^https://(github", ["username"] = "u" }),
        }.ToJsonString());

        var server = await ProcessRunner.RunAsync("dotnet", [AgentBinary.Path, "server", "--workspace", workspace, "--address", "127.0.0.1:0", "--data-dir", _directory.Combine("server-data")]);

        Assert.Equal(2, server.ExitCode);
        Assert.Contains("git_auth[0] (\"github\"): regex \"^https://(github\" is not usable", server.Error, StringComparison.Ordinal);
    }

    private static string KeyAnswerFor(string path)
        => path == "/api/v2/workspaceagents/me/gitsshkey" ? Json(KeyAnswer) : "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

    private static string Json(string body)
        => $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {System.Text.Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";

    private RunningProcess Start(Uri? controlPlane, params string[] arguments) => Start(controlPlane, null, arguments);

    private RunningProcess Start(Uri? controlPlane, Action<ProcessStartInfo>? configure, params string[] arguments)
    {
        var info = AgentBinary.StartInfo(arguments);
        Isolate(info.Environment, controlPlane);
        configure?.Invoke(info);
        var process = RunningProcess.Start(info, "agent " + arguments[0]);
        _processes.Add(process);
        return process;
    }

    private Task<ProcessRunner.Result> RunAskPassAsync(Uri controlPlane, string prompt)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        Isolate(environment, controlPlane);
        return ProcessRunner.RunAsync("dotnet", [AgentBinary.Path, prompt], environment: environment.Where(pair => pair.Value is not null).ToDictionary(pair => pair.Key, pair => pair.Value!));
    }

    private void Isolate(IDictionary<string, string?> environment, Uri? controlPlane)
    {
        environment["PATH"] = _directory.Combine("bin") + ":" + Environment.GetEnvironmentVariable("PATH");
        environment["TMPDIR"] = Temporary;
        environment["CODER_AGENT_TOKEN"] = AgentToken;
        if (controlPlane is null)
            environment.Remove("CODER_AGENT_URL");
        else
            environment["CODER_AGENT_URL"] = controlPlane.ToString();
        foreach (var name in new[] { "AGENT_URL", "AGENT_TOKEN", "AGENT_TOKEN_FILE", "CODER_AGENT_TOKEN_FILE" })
            environment.Remove(name);
    }
}
