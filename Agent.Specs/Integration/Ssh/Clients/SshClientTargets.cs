using System.Globalization;
using Agent.Runtime.Ssh.Auth;
using Agent.Runtime.Ssh.Keys;
using Agent.Specs.Utilities;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Specs.Integration.Ssh.Clients;

/// <summary>Where a client spec connects: <c>agent dev --ssh-address</c>, or <c>agent ssh-server --inetd</c> started per connection.</summary>
public enum SshTarget
{
    Listener,
    Inetd,
}

/// <summary>
/// The two ways the agent serves SSH, as README documents them, for the clients other than OpenSSH's: one
/// <c>agent dev --ssh-address 127.0.0.1:PORT --authorized-keys FILE --data-dir DIR</c> for the whole collection, and the
/// command line of <c>agent ssh-server --inetd --host-key-dir DIR/ssh --authorized-keys FILE</c> for a client's
/// proxy command. Both serve the same host keys (made here, in the data directory's <c>ssh/</c>), so every client checks
/// the host key strictly; one ed25519 client key (OpenSSH format) is authorized.
/// </summary>
public sealed class SshClientTargets : IAsyncLifetime
{
    /// <summary>The host name clients use with the proxy command (the known-hosts files name it).</summary>
    public const string InetdHost = "agent-spec";

    private readonly TempDirectory _directory = new();
    private readonly IntegrationHarness _harness = new();

    public int Port { get; } = FreePort.Next();

    public string User { get; } = Environment.UserName;

    public string Directory => _directory.Path;

    /// <summary>The ed25519 client key, OpenSSH's private key format (<c>.pub</c> beside it).</summary>
    public string ClientKey => _directory.Combine("id_ed25519");

    public string AuthorizedKeys => _directory.Combine("authorized_keys");

    public string DataDirectory => _directory.Combine("data");

    public string HostKeyDirectory => _directory.Combine("data", "ssh");

    /// <summary>An OpenSSH known_hosts file with every host key for <see cref="InetdHost"/> and <c>[127.0.0.1]:PORT</c>.</summary>
    public string KnownHosts => _directory.Combine("known_hosts");

    /// <summary>The host keys' SHA256 fingerprints (<c>SHA256:...</c>), ed25519 first.</summary>
    public IReadOnlyList<string> HostKeyFingerprints { get; private set; } = [];

    /// <summary>The inetd command line a client runs as its proxy command (one agent process per connection).</summary>
    public string InetdCommand => $"dotnet {AgentBinary.Path} ssh-server --inetd --host-key-dir {HostKeyDirectory} --authorized-keys {AuthorizedKeys}";

    public string PortText => Port.ToString(CultureInfo.InvariantCulture);

    /// <summary>The agent dev process (its output holds the listener's log).</summary>
    public RunningProcess Agent => _harness.Agent!;

    public async Task InitializeAsync()
    {
        var keygen = await ProcessRunner.RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", string.Empty, "-C", "client-spec", "-f", ClientKey]);
        Assert.Equal(0, keygen.ExitCode);
        File.Copy(ClientKey + ".pub", AuthorizedKeys);
        using (var store = HostKeyStore.LoadOrCreateIn(HostKeyDirectory, NullLogger.Instance))
        {
            var lines = store.Keys.SelectMany(key => new[] { $"{InetdHost} {key.ToOpenSshPublicKey()}", $"[127.0.0.1]:{Port} {key.ToOpenSshPublicKey()}" });
            await File.WriteAllLinesAsync(KnownHosts, lines);
        }

        var fingerprints = new List<string>();
        foreach (var file in System.IO.Directory.GetFiles(HostKeyDirectory, "*.pub").OrderBy(f => f.Contains("ed25519", StringComparison.Ordinal) ? 0 : 1))
        {
            var fingerprint = await ProcessRunner.RunAsync("ssh-keygen", ["-l", "-E", "sha256", "-f", file]);
            fingerprints.Add(fingerprint.Text.Split(' ')[1]);
        }

        HostKeyFingerprints = fingerprints;
        _harness.WriteWorkspace(Manifests.With(directory: "~"));
        var agent = await _harness.StartDevAsync("--ssh-address", $"127.0.0.1:{Port}", "--authorized-keys", AuthorizedKeys, "--data-dir", DataDirectory);
        await agent.WaitForOutputAsync($"SSH server listening on 127.0.0.1:{Port}");
    }

    public async Task DisposeAsync()
    {
        await _harness.DisposeAsync();
        _directory.Dispose();
    }

    public string Combine(params string[] parts) => _directory.Combine(parts);
}

[CollectionDefinition(Name)]
public sealed class SshClientCollection : ICollectionFixture<SshClientTargets>
{
    public const string Name = "SSH clients against the listener and inetd";
}
