using System.CommandLine;
using System.Text;
using Agent.Runtime.Commands.ConfigSsh;
using Agent.Runtime.ControlPlane;
using Agent.Specs.Fakes.Relay;
using Agent.Specs.Utilities;

namespace Agent.Specs.Runtime.Commands.ConfigSsh;

/// <summary><c>agent config-ssh</c> against the fake agent list, writing into a temporary home.</summary>
public sealed class ConfigSshCommandSpecs : IAsyncLifetime, IDisposable
{
    private const string Binary = "/opt/agent 100%/agent";
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PrivateDirectory = Private | UnixFileMode.UserExecute;

    private readonly TempDirectory _home = new();
    private StringWriter _output = new();
    private StringWriter _error = new();
    private FakeRelayServer _server = null!;
    private string _mainKey = null!;

    private string SshConfig => _home.Combine(".ssh", "config");

    private string KnownHosts => _home.Combine(".ssh", "agent_known_hosts");

    public async Task InitializeAsync()
    {
        _server = await FakeRelayServer.StartAsync();
        var keygen = await ProcessRunner.RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", string.Empty, "-C", "agent@main", "-f", _home.Combine("hostkey")]);
        Assert.Equal(0, keygen.ExitCode);
        _mainKey = (await File.ReadAllTextAsync(_home.Combine("hostkey.pub"))).Trim();
        _server.Agents.Add(new AgentSummary { Name = "main", SshHostKeys = [_mainKey] });
        _server.Agents.Add(new AgentSummary { Name = "other" });
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose() => _home.Dispose();

    [Fact]
    public async Task ConfigSsh_FreshHome_WritesHostBlockKnownHostsAndPrivateTokenFile()
    {
        var exit = await InvokeAsync();

        Assert.True(exit == 0, _error.ToString());
        var tokenFile = TokenStore.PathFor(_server.BaseUrl, Environment());
        Assert.StartsWith(_home.Combine(".config", "agent", "token-127.0.0.1-"), tokenFile, StringComparison.Ordinal);
        Assert.Equal(FakeRelayServer.Token + "\n", await File.ReadAllTextAsync(tokenFile));
        Assert.Equal(Private, File.GetUnixFileMode(tokenFile));
        Assert.Equal(PrivateDirectory, File.GetUnixFileMode(Path.GetDirectoryName(tokenFile)!));
        Assert.Equal(Private, File.GetUnixFileMode(SshConfig));
        Assert.Equal(Private, File.GetUnixFileMode(KnownHosts));
        Assert.Equal(PrivateDirectory, File.GetUnixFileMode(_home.Combine(".ssh")));

        var config = await File.ReadAllTextAsync(SshConfig);
        Assert.StartsWith(SshConfigEntries.StartMarker + "\n", config, StringComparison.Ordinal);
        Assert.EndsWith(SshConfigEntries.EndMarker + "\n", config, StringComparison.Ordinal);
        Assert.Contains(
            $"""

            Host agent.main
              HostName agent.main
              ProxyCommand "/opt/agent 100%%/agent" proxy --url "{_server.BaseUrl}" --token-file "{tokenFile}" --agent main
              UserKnownHostsFile "{KnownHosts}"
              HostKeyAlias agent.main
              StrictHostKeyChecking yes
              ConnectTimeout 0
              LogLevel ERROR

            """,
            config,
            StringComparison.Ordinal);
        Assert.Contains("Host agent.other\n", config, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeRelayServer.Token, config, StringComparison.Ordinal);

        var keyFields = _mainKey.Split(' ');
        Assert.Equal(
            $"{SshConfigEntries.StartMarker}\nagent.main {keyFields[0]} {keyFields[1]}\n{SshConfigEntries.EndMarker}\n",
            await File.ReadAllTextAsync(KnownHosts));
        Assert.Contains("Wrote 2 hosts to", _output.ToString(), StringComparison.Ordinal);
        Assert.Contains("Wrote 1 host key to", _output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigSsh_OpenSshReadsTheResult_ProxyCommandAndHostKeyAsWritten()
    {
        Assert.True(await InvokeAsync() == 0, _error.ToString());

        var resolved = await ProcessRunner.RunAsync("ssh", ["-G", "-F", SshConfig, "agent.main"]);
        var found = await ProcessRunner.RunAsync("ssh-keygen", ["-F", "agent.main", "-f", KnownHosts]);

        Assert.True(resolved.ExitCode == 0, resolved.Error);
        var options = resolved.Text.Split('\n');
        Assert.Contains("stricthostkeychecking true", options);
        Assert.Contains("hostkeyalias agent.main", options);
        Assert.Contains(options, line => line.StartsWith("proxycommand \"/opt/agent 100%%/agent\" proxy --url", StringComparison.Ordinal) && line.EndsWith("--agent main", StringComparison.Ordinal));
        Assert.Equal(0, found.ExitCode);
        Assert.Contains(_mainKey.Split(' ')[1], found.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigSsh_SshRunsTheProxyCommand_WithTheArgumentsAsWritten()
    {
        var binary = _home.Combine("bin 100%", "agent");
        Directory.CreateDirectory(Path.GetDirectoryName(binary)!);
        await File.WriteAllTextAsync(binary, "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$(dirname \"$0\")/args\"\n");
        File.SetUnixFileMode(binary, PrivateDirectory);
        Assert.True(await InvokeWithBinaryAsync(Environment(), binary, "--token", FakeRelayServer.Token) == 0, _error.ToString());

        var ssh = await ProcessRunner.RunAsync("ssh", ["-F", SshConfig, "-o", "BatchMode=yes", "agent.main", "true"], timeout: TimeSpan.FromSeconds(20));

        Assert.NotEqual(0, ssh.ExitCode);
        var tokenFile = TokenStore.PathFor(_server.BaseUrl, Environment());
        Assert.Equal(
            ["proxy", "--url", _server.BaseUrl.ToString(), "--token-file", tokenFile, "--agent", "main", string.Empty],
            (await File.ReadAllTextAsync(_home.Combine("bin 100%", "args"))).Split('\n'));
    }

    [Fact]
    public async Task ConfigSsh_AgentWithoutHostKey_WarnsAndStaysStrict()
    {
        var exit = await InvokeAsync();

        Assert.Equal(0, exit);
        Assert.Contains("agent config-ssh: warning: agent \"other\" has published no SSH host key", _error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("\"main\" has published no", _error.ToString(), StringComparison.Ordinal);
        var other = (await File.ReadAllTextAsync(SshConfig)).Split("Host agent.other\n")[1];
        Assert.Contains("  StrictHostKeyChecking yes\n", other, StringComparison.Ordinal);
        Assert.DoesNotContain("agent.other", await File.ReadAllTextAsync(KnownHosts), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigSsh_UserLinesAround_KeptByteForByteAndBlockAppended()
    {
        Directory.CreateDirectory(_home.Combine(".ssh"));
        byte[] user = [.. "Host *\r\n  ServerAliveInterval 30\r\n# caf\u00e9 "u8, 0xff, 0xfe, .. "\nHost work\n  User me"u8];
        await File.WriteAllBytesAsync(SshConfig, user);
        File.SetUnixFileMode(SshConfig, Private | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var exit = await InvokeAsync();

        Assert.True(exit == 0, _error.ToString());
        var written = await File.ReadAllBytesAsync(SshConfig);
        Assert.Equal(user, written[..user.Length]);
        Assert.Equal((byte)'\n', written[user.Length]);
        Assert.Equal(SshConfigEntries.StartMarker, Encoding.UTF8.GetString(written, user.Length + 1, SshConfigEntries.StartMarker.Length));
        Assert.Equal(Private | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(SshConfig));
    }

    [Fact]
    public async Task ConfigSsh_RunTwice_FilesIdentical()
    {
        Assert.Equal(0, await InvokeAsync());
        var config = await File.ReadAllBytesAsync(SshConfig);
        var knownHosts = await File.ReadAllBytesAsync(KnownHosts);

        Assert.Equal(0, await InvokeAsync());

        Assert.Equal(config, await File.ReadAllBytesAsync(SshConfig));
        Assert.Equal(knownHosts, await File.ReadAllBytesAsync(KnownHosts));
    }

    [Fact]
    public async Task ConfigSsh_AgentsChanged_BlockReplacedInPlaceBetweenUserLines()
    {
        Directory.CreateDirectory(_home.Combine(".ssh"));
        await File.WriteAllTextAsync(SshConfig, "Host before\n  User a\n");
        Assert.Equal(0, await InvokeAsync());
        await File.AppendAllTextAsync(SshConfig, "Host after\n  User b\n");
        _server.Agents.RemoveAt(1);
        _server.Agents.Add(new AgentSummary { Name = "third", SshHostKeys = [_mainKey] });

        Assert.Equal(0, await InvokeAsync());

        var config = await File.ReadAllTextAsync(SshConfig);
        Assert.StartsWith("Host before\n  User a\n" + SshConfigEntries.StartMarker + "\n", config, StringComparison.Ordinal);
        Assert.EndsWith(SshConfigEntries.EndMarker + "\nHost after\n  User b\n", config, StringComparison.Ordinal);
        Assert.Contains("Host agent.third\n", config, StringComparison.Ordinal);
        Assert.DoesNotContain("agent.other", config, StringComparison.Ordinal);
        Assert.Single(config.Split('\n'), line => line == SshConfigEntries.StartMarker);
        Assert.Contains("\nagent.third ssh-ed25519 ", await File.ReadAllTextAsync(KnownHosts), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigSsh_StartMarkerWithoutEnd_ExitOneAndFileUntouched()
    {
        Directory.CreateDirectory(_home.Combine(".ssh"));
        var text = $"Host x\n{SshConfigEntries.StartMarker}\nHost y\n";
        await File.WriteAllTextAsync(SshConfig, text);

        var exit = await InvokeAsync();

        Assert.Equal(1, exit);
        Assert.Contains("unbalanced", _error.ToString(), StringComparison.Ordinal);
        Assert.Equal(text, await File.ReadAllTextAsync(SshConfig));
    }

    [Fact]
    public async Task ConfigSsh_SymlinkedConfig_TargetWrittenLinkKept()
    {
        var target = _home.Combine("dotfiles-ssh-config");
        await File.WriteAllTextAsync(target, "Host mine\n");
        Directory.CreateDirectory(_home.Combine(".ssh"));
        File.CreateSymbolicLink(SshConfig, target);

        Assert.True(await InvokeAsync() == 0, _error.ToString());

        Assert.NotNull(new FileInfo(SshConfig).LinkTarget);
        Assert.StartsWith("Host mine\n" + SshConfigEntries.StartMarker, await File.ReadAllTextAsync(target), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigSsh_XdgConfigHomeAndExplicitFiles_AreUsed()
    {
        var xdg = _home.Combine("xdg");
        var config = _home.Combine("elsewhere", "config");
        var known = _home.Combine("elsewhere", "known");

        var exit = await InvokeAsync(
            name => name == "XDG_CONFIG_HOME" ? xdg : Environment()(name), "--ssh-config-file", config, "--known-hosts-file", known);

        Assert.True(exit == 0, _error.ToString());
        Assert.Single(Directory.GetFiles(Path.Join(xdg, "agent")));
        Assert.Contains($"UserKnownHostsFile \"{known}\"", await File.ReadAllTextAsync(config), StringComparison.Ordinal);
        Assert.False(File.Exists(SshConfig));
    }

    [Fact]
    public async Task ConfigSsh_RefusedToken_ExitOneNothingWritten()
    {
        var exit = await InvokeAsync(Environment(), "--token", "wrong-8c1d");

        Assert.Equal(1, exit);
        Assert.Contains("refused the user token (401 Unauthorized): Invalid user token.", _error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-8c1d", _error.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(_home.Combine(".ssh")));
        Assert.False(Directory.Exists(_home.Combine(".config")));
    }

    [Fact]
    public async Task ConfigSsh_UnusableAgentName_SkippedWithAWarning()
    {
        _server.Agents.Add(new AgentSummary { Name = "evil\n  ProxyCommand sh" });

        Assert.Equal(0, await InvokeAsync());

        Assert.Contains("skipping agent", _error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("evil", await File.ReadAllTextAsync(SshConfig), StringComparison.Ordinal);
    }

    private Func<string, string?> Environment() => name => name == "HOME" ? _home.Path : null;

    private Task<int> InvokeAsync() => InvokeAsync(Environment(), "--token", FakeRelayServer.Token);

    private Task<int> InvokeAsync(Func<string, string?> environment, params string[] options) => InvokeWithBinaryAsync(environment, Binary, options);

    private Task<int> InvokeWithBinaryAsync(Func<string, string?> environment, string binary, params string[] options)
    {
        _output = new StringWriter();
        _error = new StringWriter();
        string[] tokenOptions = options.Contains("--token") ? [] : ["--token", FakeRelayServer.Token];
        return new RootCommand { ConfigSshCommand.Create(environment, () => binary) }
            .Parse(["config-ssh", "--url", _server.BaseUrl.ToString(), .. tokenOptions, .. options])
            .InvokeAsync(new InvocationConfiguration { Output = _output, Error = _error });
    }
}
