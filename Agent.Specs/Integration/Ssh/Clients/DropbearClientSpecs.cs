using System.Security.Cryptography;
using Agent.Specs.Utilities;

namespace Agent.Specs.Integration.Ssh.Clients;

/// <summary>
/// Dropbear's <c>dbclient</c> (Debian <c>dropbear-bin</c>): it sends its first key exchange packet on a guess
/// (<c>first_kex_packet_follows</c>), which is wrong against our preference order, so it sends it again. The host key
/// is checked against <c>~/.ssh/known_hosts</c> (no <c>-y</c>), the key converted with <c>dropbearconvert</c>.
/// </summary>
[Trait("Category", "Integration")]
[Collection(SshClientCollection.Name)]
public sealed class DropbearClientSpecs(SshClientTargets targets)
{
    [Theory]
    [InlineData(SshTarget.Listener)]
    [InlineData(SshTarget.Inetd)]
    public async Task Dbclient_Exec_StdinStdoutStderrAndExitCode(SshTarget target)
    {
        var key = await PrepareAsync();
        var input = RandomNumberGenerator.GetBytes(256 * 1024);
        string[] destination = target == SshTarget.Listener
            ? ["-p", targets.PortText, $"{targets.User}@127.0.0.1"]
            : ["-J", targets.InetdCommand, $"{targets.User}@{SshClientTargets.InetdHost}"];

        ProcessRunner.Result result;
        try
        {
            // -v: dbclient's own trace goes to stderr, which the timeout message keeps.
            result = await ProcessRunner.RunAsync(
                "dbclient",
                ["-v", "-i", key, .. destination, "cat; echo dropbear-err >&2; exit 7"],
                input,
                TimeSpan.FromSeconds(60),
                new Dictionary<string, string> { ["HOME"] = targets.Combine("dropbear-home") });
        }
        catch (TimeoutException e)
        {
            // The listener's agent logs here; through -J the inetd agent's stderr is in dbclient's.
            throw new TimeoutException($"{e.Message}\n--- agent dev ---\n{targets.Agent.Output}", e);
        }


        Assert.True(result.ExitCode == 7, $"dbclient exited {result.ExitCode}: {result.Error}\n--- agent ---\n{targets.Agent.Output}");
        Assert.Equal(SHA256.HashData(input), SHA256.HashData(result.Output));
        Assert.Contains("dropbear-err", result.Error, StringComparison.Ordinal);
    }

    /// <summary>The client key in Dropbear's format, and <c>~/.ssh/known_hosts</c> of a private home.</summary>
    private async Task<string> PrepareAsync()
    {
        var key = targets.Combine("id_dropbear");
        if (!File.Exists(key))
        {
            var convert = await ProcessRunner.RunAsync("dropbearconvert", ["openssh", "dropbear", targets.ClientKey, key]);
            Assert.True(convert.ExitCode == 0, convert.Error);
        }

        var ssh = targets.Combine("dropbear-home", ".ssh");
        Directory.CreateDirectory(ssh);
        // Dropbear 2022.83 looks a host up by its name alone, without OpenSSH's [host]:port form.
        var lines = File.ReadAllLines(targets.KnownHosts);
        File.WriteAllLines(Path.Join(ssh, "known_hosts"), [.. lines, .. lines.Where(l => l.StartsWith('[')).Select(l => "127.0.0.1 " + l.Split(' ', 2)[1])]);
        return key;
    }
}
