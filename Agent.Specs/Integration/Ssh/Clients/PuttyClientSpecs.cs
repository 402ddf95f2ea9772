using System.Security.Cryptography;
using Agent.Specs.Utilities;

namespace Agent.Specs.Integration.Ssh.Clients;

/// <summary>
/// PuTTY's <c>plink</c> (Debian <c>putty-tools</c>) in batch mode: the host key pinned with <c>-hostkey</c>
/// fingerprints, the client key converted from OpenSSH's format with <c>puttygen</c>.
/// </summary>
[Trait("Category", "Integration")]
[Collection(SshClientCollection.Name)]
public sealed class PuttyClientSpecs(SshClientTargets targets)
{
    [Theory]
    [InlineData(SshTarget.Listener)]
    [InlineData(SshTarget.Inetd)]
    public async Task Plink_Exec_StdinStdoutStderrAndExitCode(SshTarget target)
    {
        var input = RandomNumberGenerator.GetBytes(256 * 1024);

        var result = await PlinkAsync(target, [], "cat; echo plink-err >&2; exit 9", input);

        Assert.True(result.ExitCode == 9, $"plink exited {result.ExitCode}: {result.Error}\n--- agent ---\n{targets.Agent.Output}");
        Assert.Equal(SHA256.HashData(input), SHA256.HashData(result.Output));
        Assert.Contains("plink-err", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SshTarget.Listener)]
    [InlineData(SshTarget.Inetd)]
    public async Task Plink_Pty_SessionHasATerminal(SshTarget target)
    {
        var result = await PlinkAsync(target, ["-t"], "tty; exit 3", []);

        Assert.True(result.ExitCode == 3, $"plink exited {result.ExitCode}: {result.Error}");
        Assert.StartsWith("/dev/pts/", result.Text, StringComparison.Ordinal);
    }

    private async Task<ProcessRunner.Result> PlinkAsync(SshTarget target, string[] options, string command, byte[] input)
    {
        var key = targets.Combine("id.ppk");
        if (!File.Exists(key))
        {
            var convert = await ProcessRunner.RunAsync("puttygen", [targets.ClientKey, "-O", "private", "-o", key]);
            Assert.True(convert.ExitCode == 0, convert.Error);
        }

        string[] destination = target == SshTarget.Listener
            ? ["-P", targets.PortText, "127.0.0.1"]
            : ["-proxycmd", targets.InetdCommand, SshClientTargets.InetdHost];
        try
        {
            return await ProcessRunner.RunAsync(
                "plink",
                ["-batch", "-ssh", "-noagent", "-v", .. targets.HostKeyFingerprints.SelectMany(f => new[] { "-hostkey", f }), "-i", key, "-l", targets.User, .. options, .. destination, command],
                input,
                TimeSpan.FromSeconds(60),
                new Dictionary<string, string> { ["HOME"] = targets.Combine("putty-home") });
        }
        catch (TimeoutException e)
        {
            // plink's own log (-v) and, through the proxy command, the inetd agent's are in the message; the listener's is here.
            throw new TimeoutException($"{e.Message}\n--- agent dev ---\n{targets.Agent.Output}", e);
        }
    }
}
