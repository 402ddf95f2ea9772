using System.Text.RegularExpressions;
using Agent.Specs.Utilities;

namespace Agent.Specs.Integration;

/// <summary><c>agent dev</c> as a real process: the reconnecting terminal over its WebSocket, on a real shell in a real PTY.</summary>
[Trait("Category", "Integration")]
public sealed partial class TerminalIntegrationSpecs
{
    [Fact]
    public async Task EchoThenReconnect_ReplaysTheOutput()
    {
        await using var harness = await StartAsync();
        var id = Guid.NewGuid().ToString();

        await using (var first = await TerminalClient.ConnectAsync(harness.Url, id, "bash --norc --noprofile"))
        {
            await first.SendAsync("echo te''st\r");
            await first.WaitForTextAsync("test\r\n");
        }

        await using var second = await TerminalClient.ConnectAsync(harness.Url, id);
        await second.WaitForTextAsync("echo te''st");
        await second.WaitForTextAsync("test\r\n");
    }

    [Fact]
    public async Task TwoClientsOnOneId_BothSeeTheOutput_InputFromEither()
    {
        await using var harness = await StartAsync();
        var id = Guid.NewGuid().ToString();
        await using var alice = await TerminalClient.ConnectAsync(harness.Url, id, "bash --norc --noprofile");
        await using var bob = await TerminalClient.ConnectAsync(harness.Url, id);

        await alice.SendAsync("echo from-al''ice\r");
        await bob.SendAsync("echo from-b''ob\r");

        foreach (var client in new[] { alice, bob })
        {
            await client.WaitForTextAsync("from-alice\r\n");
            await client.WaitForTextAsync("from-bob\r\n");
        }
    }

    [Fact]
    public async Task FastProducer_ReplayThenLiveHasNoGapOrDuplicate()
    {
        await using var harness = await StartAsync();
        var id = Guid.NewGuid().ToString();
        const int Last = 200_000;
        await using var producer = await TerminalClient.ConnectAsync(harness.Url, id, "bash --norc --noprofile");
        // The marker is computed by the shell, so the echoed command line cannot be mistaken for the end.
        await producer.SendAsync("stty -echo; PS1=; seq 1 " + Last + "; echo seq-$((1+1))-done\r");
        await producer.WaitForTextAsync("\r\n1000\r\n");

        // Attaches while seq is still writing: replay of the last 64 KiB, then live output.
        await using var late = await TerminalClient.ConnectAsync(harness.Url, id);
        await late.WaitForTextAsync("seq-2-done", TimeSpan.FromSeconds(60));
        await producer.WaitForTextAsync("seq-2-done", TimeSpan.FromSeconds(60));

        AssertContiguous(late.Text, Last);
        AssertContiguous(producer.Text, Last);
    }

    [Fact]
    public async Task LastClientLeft_ProcessEndsAfterTheInactivityTimeout()
    {
        await using var harness = await StartAsync("--pty-timeout", "1s");
        var id = Guid.NewGuid().ToString();
        string pid;
        await using (var client = await TerminalClient.ConnectAsync(harness.Url, id, "bash --norc --noprofile"))
        {
            // Wait for the shell's answer ("end42"), not the terminal's echo of the command, which also says "pid=".
            await client.SendAsync("echo pid=$$ end$((6*7))\r");
            await client.WaitForTextAsync("end42");
            pid = PidPattern().Match(client.Text).Groups[1].Value;
        }

        await Eventually.WaitAsync(() => !Directory.Exists($"/proc/{pid}"), $"the shell {pid} to be ended after the timeout", TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task ShellExits_ClientIsClosedAfterTheFinalOutput()
    {
        await using var harness = await StartAsync();
        await using var client = await TerminalClient.ConnectAsync(harness.Url, Guid.NewGuid().ToString(), "bash --norc --noprofile");

        await client.SendAsync("echo good''bye; exit 3\r");

        await client.WaitForCloseAsync();
        Assert.Contains("goodbye\r\n", client.Text, StringComparison.Ordinal);
    }

    private static async Task<IntegrationHarness> StartAsync(params string[] extra)
    {
        var harness = new IntegrationHarness();
        harness.WriteWorkspace(Manifests.With());
        await harness.StartDevAsync(extra);
        return harness;
    }

    // Every complete line of numbers seen must continue the previous one by exactly 1, up to the last.
    private static void AssertContiguous(string text, int last)
    {
        var numbers = text.Split("\r\n")
            .Skip(1) // the replay may start in the middle of a line
            .Where(line => line.Length > 0 && line.All(char.IsAsciiDigit))
            .Select(int.Parse)
            .ToList();
        Assert.NotEmpty(numbers);
        for (var i = 1; i < numbers.Count; i++)
        {
            if (numbers[i] != numbers[i - 1] + 1)
            {
                var at = text.IndexOf($"\r\n{numbers[i - 1]}\r\n", StringComparison.Ordinal);
                var context = at < 0 ? "?" : text.Substring(at, Math.Min(200, text.Length - at)).Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
                Assert.Fail($"after {numbers[i - 1]} came {numbers[i]}: {context}");
            }
        }

        Assert.Equal(last, numbers[^1]);
    }

    [GeneratedRegex(@"pid=(\d+)")]
    private static partial Regex PidPattern();
}
