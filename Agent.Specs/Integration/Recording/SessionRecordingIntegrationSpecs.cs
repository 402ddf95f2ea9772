using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Agent.Specs.Utilities;

namespace Agent.Specs.Integration.Recording;

/// <summary>
/// <c>agent dev</c> with <c>session_recording: "on"</c>: a real OpenSSH <c>ssh -tt</c> session and a web terminal are
/// recorded, and the casts that real <c>curl</c> downloads from the control plane are asciicast v2 with the output.
/// </summary>
[Trait("Category", "Integration")]
public sealed class SessionRecordingIntegrationSpecs
{
    [Fact]
    public async Task SshTtSession_WithRecordingOn_IsDownloadableAsAsciicastV2WithItsOutput()
    {
        await using var harness = new IntegrationHarness();
        using var keys = new TempDirectory();
        var key = keys.Combine("id");
        Assert.Equal(0, (await ProcessRunner.RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", string.Empty, "-f", key])).ExitCode);
        var authorized = keys.Combine("authorized_keys");
        await File.WriteAllTextAsync(authorized, await File.ReadAllTextAsync(key + ".pub"));
        var port = FreePort.Next();
        harness.WriteWorkspace(Recorded("on"));
        var dev = await harness.StartDevAsync("--ssh-address", $"127.0.0.1:{port}", "--authorized-keys", authorized);
        await dev.WaitForOutputAsync($"SSH server listening on 127.0.0.1:{port}");

        var ssh = await ProcessRunner.RunAsync(
            "ssh",
            [
                "-F", "/dev/null", "-i", key, "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-p", port.ToString(CultureInfo.InvariantCulture), "-tt", "127.0.0.1",
                "echo hel''lo",
            ],
            timeout: TimeSpan.FromSeconds(60));
        Assert.Equal(0, ssh.ExitCode);

        var recording = await EndedRecordingAsync(harness, "ssh");
        var (headers, cast) = await DownloadAsync(harness, recording.GetProperty("id").GetString()!);

        Assert.Contains("content-type: application/x-asciicast", headers, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("content-disposition: attachment", headers, StringComparison.OrdinalIgnoreCase);
        AssertAsciicast(cast, "hello");
        Assert.Contains(" from 127.0.0.1:", recording.GetProperty("who").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WebTerminal_WithRecordingOn_IsRecordedWithInputTimingButNotWhatWasTyped()
    {
        await using var harness = new IntegrationHarness();
        harness.WriteWorkspace(Recorded("on"));
        await harness.StartDevAsync();

        await using (var client = await TerminalClient.ConnectAsync(harness.Url, Guid.NewGuid().ToString(), "bash --norc --noprofile"))
        {
            await client.SendAsync("echo secret-$((20+1)); exit\r");
            await client.WaitForTextAsync("secret-21");
        }

        var recording = await EndedRecordingAsync(harness, "terminal");
        var (_, cast) = await DownloadAsync(harness, recording.GetProperty("id").GetString()!);

        var events = AssertAsciicast(cast, "secret-21");
        var inputs = events.Where(e => e[1]!.GetValue<string>() == "i").ToList();
        Assert.NotEmpty(inputs);
        Assert.All(inputs, input => Assert.Equal(string.Empty, input[2]!.GetValue<string>()));
    }

    private static JsonObject Recorded(string mode)
    {
        var manifest = Manifests.With();
        manifest["session_recording"] = mode;
        return manifest;
    }

    // The first recording of that kind once the agent told its end.
    private static async Task<JsonElement> EndedRecordingAsync(IntegrationHarness harness, string kind)
    {
        var list = await Eventually.WaitAsync(
            async () => (JsonElement?)await harness.GetAsync("/recordings"),
            found => found is { } recordings && recordings.EnumerateArray().Any(r => r.GetProperty("kind").GetString() == kind && r.GetProperty("ended_at").ValueKind == JsonValueKind.String),
            $"a {kind} recording to end");
        return list!.Value.EnumerateArray().First(r => r.GetProperty("kind").GetString() == kind);
    }

    private static async Task<(string Headers, string Body)> DownloadAsync(IntegrationHarness harness, string id)
    {
        using var directory = new TempDirectory();
        var headers = directory.Combine("headers");
        var curl = await ProcessRunner.RunAsync(
            "curl",
            ["-sf", "-D", headers, "-H", $"Coder-Session-Token: {IntegrationHarness.UserToken}", new Uri(harness.Url, $"api/v2/workspaceagents/{IntegrationHarness.AgentName}/recordings/{id}").ToString()],
            timeout: TimeSpan.FromSeconds(30));
        Assert.True(curl.ExitCode == 0, curl.Error);
        return (await File.ReadAllTextAsync(headers), curl.Text);
    }

    // Every line parses: a version 2 header, then [time, code, text] events in time order, one of them output with the text.
    private static List<JsonArray> AssertAsciicast(string cast, string output)
    {
        var lines = cast.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = JsonNode.Parse(lines[0])!.AsObject();
        Assert.Equal(2, header["version"]!.GetValue<int>());
        Assert.True(header["width"]!.GetValue<int>() > 0);
        Assert.True(header["height"]!.GetValue<int>() > 0);
        Assert.True(header["timestamp"]!.GetValue<long>() > 0);
        var events = lines[1..].Select(line => JsonNode.Parse(line)!.AsArray()).ToList();
        var times = events.Select(e => e[0]!.GetValue<decimal>()).ToList();
        Assert.Equal(times.Order(), times);
        Assert.Contains(output, string.Concat(events.Where(e => e[1]!.GetValue<string>() == "o").Select(e => e[2]!.GetValue<string>())), StringComparison.Ordinal);
        return events;
    }
}
