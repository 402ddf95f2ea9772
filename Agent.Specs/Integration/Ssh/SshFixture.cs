using Agent.Runtime.Ssh.Auth;
using Agent.Runtime.Ssh.Keys;
using Agent.Specs.Utilities;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Specs.Integration.Ssh;

/// <summary>
/// The real OpenSSH client against the agent's SSH server in inetd mode (<c>ProxyCommand</c> starts
/// <c>agent ssh-server --inetd</c> per connection), with a generated client key, an authorized_keys file and a
/// known_hosts file holding the agent's own host keys, so host keys are checked strictly.
/// </summary>
public sealed class SshFixture : IAsyncLifetime
{
    public const string HostAlias = "agent-spec";

    private readonly TempDirectory _directory = new();

    public string Directory => _directory.Path;

    public string HostKeys => _directory.Combine("host-keys");

    public string ClientKey => _directory.Combine("id_ed25519");

    public string AuthorizedKeys => _directory.Combine("authorized_keys");

    public string KnownHosts => _directory.Combine("known_hosts");

    public string ProxyCommand => $"dotnet {AgentBinary.Path} ssh-server --inetd --host-key-dir {HostKeys} --authorized-keys {AuthorizedKeys}";

    public async Task InitializeAsync()
    {
        var keygen = await ProcessRunner.RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", string.Empty, "-f", ClientKey]);
        Assert.Equal(0, keygen.ExitCode);
        File.Copy(ClientKey + ".pub", AuthorizedKeys);
        using var store = HostKeyStore.LoadOrCreateIn(HostKeys, NullLogger.Instance);
        await File.WriteAllLinesAsync(KnownHosts, store.Keys.Select(key => $"{HostAlias} {key.ToOpenSshPublicKey()}"));
    }

    public Task DisposeAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>The options every client run uses: our key only, strict host-key checking against the agent's keys.</summary>
    /// <remarks>OpenSSH keeps the first value of an option, so what a spec varies is a parameter here, not a later <c>-o</c>.</remarks>
    public IEnumerable<string> BaseOptions(string user, string logLevel = "ERROR", string? identity = null) =>
    [
        "-F", "/dev/null",
        "-o", $"ProxyCommand={ProxyCommand}",
        "-o", $"HostKeyAlias={HostAlias}",
        "-o", $"UserKnownHostsFile={KnownHosts}",
        "-o", "StrictHostKeyChecking=yes",
        "-o", "BatchMode=yes",
        "-o", "IdentitiesOnly=yes",
        "-o", $"LogLevel={logLevel}",
        "-i", identity ?? ClientKey,
        "-l", user,
    ];

    /// <summary>Runs <c>ssh</c> with <paramref name="options"/> and a remote <paramref name="command"/>.</summary>
    public Task<ProcessRunner.Result> SshAsync(
        IEnumerable<string> options,
        string command,
        byte[]? input = null,
        string? user = null,
        string logLevel = "ERROR",
        string? identity = null)
        => ProcessRunner.RunAsync("ssh", [.. BaseOptions(user ?? Environment.UserName, logLevel, identity), .. options, "agent", command], input, TimeSpan.FromSeconds(120));
}
