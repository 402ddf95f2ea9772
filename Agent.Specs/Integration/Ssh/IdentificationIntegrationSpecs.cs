using System.Diagnostics;
using System.Text;
using Agent.Specs.Utilities;

namespace Agent.Specs.Integration.Ssh;

/// <summary>
/// A peer whose first line is no SSH identification is refused at once, as sshd refuses it (OpenSSH's regress tests
/// proto-mismatch and multiplex check this): sshd's words after our identification line, then the end of the
/// connection; <c>agent ssh-server --inetd</c> exits 255, and the listener frees the connection's slot.
/// </summary>
[Trait("Category", "Integration")]
public sealed class IdentificationIntegrationSpecs : IAsyncLifetime
{
    // Far below the 30 s login grace time the refusal used to wait for; the agent's start is most of it.
    private static readonly TimeSpan AtOnce = TimeSpan.FromSeconds(15);

    private readonly TempDirectory _directory = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData("GET / HTTP/1.0\r\n\r\n", "Invalid SSH identification string.")]
    [InlineData("\n", "Invalid SSH identification string.")]
    [InlineData("SSH-1.5-HALLO\n", "Protocol major versions differ.")]
    public async Task SshServerInetd_NotAnSsh2Client_Exits255AtOnceWithSshdsWords(string sent, string words)
    {
        File.WriteAllText(_directory.Combine("authorized_keys"), string.Empty);
        var info = AgentBinary.StartInfo("ssh-server", "--inetd", "--host-key-dir", _directory.Combine("hostkeys"), "--authorized-keys", _directory.Combine("authorized_keys"));
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        using var stdout = new MemoryStream();
        var reading = process.StandardOutput.BaseStream.CopyToAsync(stdout);

        // The peer's end stays open, as a client's does: only the refusal ends the process.
        await process.StandardInput.BaseStream.WriteAsync(Encoding.ASCII.GetBytes(sent));
        await process.StandardInput.BaseStream.FlushAsync();
        using (var deadline = new CancellationTokenSource(AtOnce))
        {
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                Assert.Fail($"agent ssh-server --inetd still ran {AtOnce.TotalSeconds} s after '{sent.Trim()}'\n{await stderr}");
            }
        }

        await reading;
        process.StandardInput.Close();
        Assert.Equal(255, process.ExitCode);
        Assert.Matches($"^SSH-2\\.0-Agent_[^\\r\\n]+\\r\\n{words.Replace(".", "\\.", StringComparison.Ordinal)}\\r\\n$", Encoding.ASCII.GetString(stdout.ToArray()));
        Assert.Contains(words, await stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// curl speaks HTTP to the SSH port: each of its requests is answered with our line and sshd's refusal at once
    /// (curl reads them as an HTTP/0.9 body). Twelve in a row from one address, more than the 10 connections one source
    /// may hold before login, so each refused connection must have given its slot back.
    /// </summary>
    [Fact]
    public async Task AgentDevListener_HttpClients_RefusedAtOnceLoggedAndTheirSlotsFreed()
    {
        await using var harness = new IntegrationHarness();
        var port = FreePort.Next();
        File.WriteAllText(_directory.Combine("authorized_keys"), string.Empty);
        harness.WriteWorkspace(Manifests.With());
        var agent = await harness.StartDevAsync("--ssh-address", $"127.0.0.1:{port}", "--authorized-keys", _directory.Combine("authorized_keys"));
        await agent.WaitForOutputAsync($"SSH server listening on 127.0.0.1:{port}");

        for (var i = 0; i < 12; i++)
        {
            var curl = await ProcessRunner.RunAsync("curl", ["-sS", "--http0.9", "--max-time", AtOnce.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), $"http://127.0.0.1:{port}/"]);

            Assert.True(curl.ExitCode == 0, $"curl {i} exited {curl.ExitCode}: {curl.Error}\n--- agent ---\n{agent.Output}");
            Assert.Matches("^SSH-2\\.0-Agent_[^\\r\\n]+\\r\\nInvalid SSH identification string\\.\\r\\n$", curl.Text);
        }

        await agent.WaitForOutputAsync("refused: the client's first line is not an SSH identification: 'GET / HTTP/1.1'");
    }
}
