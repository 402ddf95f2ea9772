using System.Globalization;
using Agent.Runtime.Ssh.Auth;
using Agent.Specs.Utilities;

namespace Agent.Specs.Integration.Ssh;

/// <summary>
/// One <c>agent dev --ssh-address ... --authorized-keys ... --trusted-user-ca-keys ...</c> for the specs of key options and
/// certificates, and the keys they use: a user key (ed25519), an RSA user key, an ed25519 CA and an RSA CA. Both files
/// are read at every attempt, so each spec writes what it needs (replaced whole, by rename) and runs the real
/// <c>ssh</c>.
/// </summary>
public sealed class UserKeyFixture : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private readonly IntegrationHarness _harness = new();
    private int _written;

    public int Port { get; } = FreePort.Next();

    public string UserKey => _directory.Combine("id");

    public string RsaUserKey => _directory.Combine("id_rsa");

    public string Authority => _directory.Combine("ca");

    public string RsaAuthority => _directory.Combine("ca_rsa");

    public string AuthorizedKeys => _directory.Combine("authorized_keys");

    public string TrustedAuthorities => _directory.Combine("trusted_user_ca_keys");

    public RunningProcess Agent { get; private set; } = null!;

    public string Combine(string name) => _directory.Combine(name);

    public async Task InitializeAsync()
    {
        foreach (var (path, type) in new[] { (UserKey, "ed25519"), (RsaUserKey, "rsa"), (Authority, "ed25519"), (RsaAuthority, "rsa") })
            await RunAsync("ssh-keygen", "-q", "-t", type, "-N", string.Empty, "-C", Path.GetFileName(path), "-f", path);
        await File.WriteAllTextAsync(AuthorizedKeys, string.Empty);
        await File.WriteAllTextAsync(TrustedAuthorities, string.Empty);
        _harness.WriteWorkspace(Manifests.With());
        Agent = await _harness.StartDevAsync(
            "--ssh-address", $"127.0.0.1:{Port}", "--authorized-keys", AuthorizedKeys, "--trusted-user-ca-keys", TrustedAuthorities);
        await Agent.WaitForOutputAsync($"SSH server listening on 127.0.0.1:{Port}");
    }

    public async Task DisposeAsync()
    {
        await _harness.DisposeAsync();
        _directory.Dispose();
    }

    /// <summary>The public key line of <paramref name="key"/>.</summary>
    public string Line(string key) => File.ReadAllText(key + ".pub").Trim();

    /// <summary>Replaces <paramref name="path"/> whole (a new file by rename, as editors do).</summary>
    public void Write(string path, string text)
    {
        var next = $"{path}.{Interlocked.Increment(ref _written)}";
        File.WriteAllText(next, text);
        File.Move(next, path, overwrite: true);
    }

    /// <summary>Signs <paramref name="key"/> with <paramref name="authority"/> for <paramref name="principals"/>; the certificate's path.</summary>
    public async Task<string> CertifyAsync(string authority, string key, string principals, params string[] options)
    {
        var copy = _directory.Combine($"cert{Interlocked.Increment(ref _written)}");
        File.Copy(key + ".pub", copy + ".pub");
        await RunAsync(["ssh-keygen", "-q", "-s", authority, "-I", "spec", "-n", principals, .. options, copy + ".pub"]);
        return copy + "-cert.pub";
    }

    /// <summary>Runs <c>ssh</c> to the agent with the user key, <paramref name="options"/> and <paramref name="command"/> (none for <c>-W</c>).</summary>
    public Task<ProcessRunner.Result> SshAsync(string? command, params string[] options)
        => RunSshAsync(UserKey, null, null, null, options, command);

    /// <summary>Runs <c>ssh</c> to the agent with <paramref name="identity"/> (and <paramref name="certificate"/>).</summary>
    public Task<ProcessRunner.Result> RunSshAsync(
        string identity, string? certificate, IDictionary<string, string>? environment, byte[]? input, string[] options, string? command)
    {
        string[] certificateOptions = certificate is null ? [] : ["-o", $"CertificateFile={certificate}"];
        string[] commandArguments = command is null ? [] : [command];
        return ProcessRunner.RunAsync(
            "ssh",
            [
                "-F", "/dev/null", "-i", identity, .. certificateOptions, "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
                "-p", Port.ToString(CultureInfo.InvariantCulture), .. options, "127.0.0.1", .. commandArguments,
            ],
            input ?? [],
            TimeSpan.FromSeconds(60),
            environment);
    }

    private static async Task RunAsync(params string[] command)
    {
        var result = await ProcessRunner.RunAsync(command[0], command[1..]);
        Assert.True(result.ExitCode == 0, $"{string.Join(' ', command)}: {result.Error}");
    }
}
