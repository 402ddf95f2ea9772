using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Agent.Runtime.Commands;
using Agent.Specs.Utilities;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Specs.Runtime.ControlPlane;

public sealed class ServerCommandSpecs
{
    [Fact]
    public void Parse_Defaults_AreCodersIntervals()
    {
        var result = ServerCommand.Create(() => NullLoggerFactory.Instance).Parse(["--workspace", "ws.json"]);

        Assert.Empty(result.Errors);
        Assert.Equal(TimeSpan.FromSeconds(30), result.GetValue<TimeSpan>("--agent-timeout"));
        Assert.Equal(TimeSpan.FromSeconds(30), result.GetValue<TimeSpan>("--stats-interval"));
        Assert.Equal("127.0.0.1:7080", result.GetValue<string>("--address"));
    }

    [Fact]
    public void Parse_GoDuration_IsRead()
    {
        var result = ServerCommand.Create(() => NullLoggerFactory.Instance).Parse(["--workspace", "ws.json", "--agent-timeout", "300ms"]);

        Assert.Equal(TimeSpan.FromMilliseconds(300), result.GetValue<TimeSpan>("--agent-timeout"));
    }

    [Fact]
    public void Parse_FlushInterval_DefaultsToOneSecondAndReadsAGoDuration()
    {
        var defaults = ServerCommand.Create(() => NullLoggerFactory.Instance).Parse(["--workspace", "ws.json"]);
        var given = ServerCommand.Create(() => NullLoggerFactory.Instance).Parse(["--workspace", "ws.json", "--flush-interval", "5s"]);
        var bad = ServerCommand.Create(() => NullLoggerFactory.Instance).Parse(["--workspace", "ws.json", "--flush-interval", "0"]);

        Assert.Equal(TimeSpan.FromSeconds(1), defaults.GetValue<TimeSpan>("--flush-interval"));
        Assert.Equal(TimeSpan.FromSeconds(5), given.GetValue<TimeSpan>("--flush-interval"));
        Assert.Contains(bad.Errors, error => error.Message.Contains("--flush-interval", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--agent-timeout", "soon")]
    [InlineData("--stats-interval", "0")]
    public void Parse_BadDuration_IsAnError(string option, string value)
    {
        var result = ServerCommand.Create(() => NullLoggerFactory.Instance).Parse(["--workspace", "ws.json", option, value]);

        Assert.Contains(result.Errors, error => error.Message.Contains(option, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("127.0.0.1:7080")]
    [InlineData("ftp://127.0.0.1:7080")]
    [InlineData("http://127.0.0.1:7080/api")]
    [InlineData("http://user:secret@127.0.0.1:7080")]
    public void Parse_BadReplicaAddress_IsAnErrorNamingTheOption(string value)
    {
        var result = ServerCommand.Create(() => NullLoggerFactory.Instance).Parse(["--workspace", "ws.json", "--replica-address", value]);

        Assert.Contains(result.Errors, error => error.Message.Contains("--replica-address must be http://host:port", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_ReplicaAddress_IsTheUrlAndAbsentIsNull()
    {
        var given = ServerCommand.Create(() => NullLoggerFactory.Instance).Parse(["--workspace", "ws.json", "--replica-address", "http://10.0.0.5:7080"]);
        var absent = ServerCommand.Create(() => NullLoggerFactory.Instance).Parse(["--workspace", "ws.json"]);

        Assert.Empty(given.Errors);
        Assert.Equal(new Uri("http://10.0.0.5:7080/"), given.GetValue<Uri?>("--replica-address"));
        Assert.Null(absent.GetValue<Uri?>("--replica-address"));
    }

    [Fact]
    public void Parse_WithoutWorkspace_IsAnError()
        => Assert.NotEmpty(ServerCommand.Create(() => NullLoggerFactory.Instance).Parse([]).Errors);

    [Fact]
    public async Task Invoke_BadWorkspaceFile_ExitsWith2()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, """{"agents": 5}""");

            var exit = await ServerCommand.Create(() => NullLoggerFactory.Instance).Parse(["--workspace", file]).InvokeAsync();

            Assert.Equal(2, exit);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Invoke_DemoWorkspace_ExitsWith2ForItHasNoToken()
    {
        var exit = await ServerCommand.Create(() => NullLoggerFactory.Instance)
            .Parse(["--workspace", WorkspaceDefinitionSpecsPaths.DemoWorkspace(), "--address", "127.0.0.1:0"])
            .InvokeAsync();

        Assert.Equal(2, exit);
    }

    [Fact]
    public async Task Invoke_DemoWorkspaceWithTokensOfItsOwn_ServesUntilCancelled()
    {
        var port = FreePort();
        var agentToken = Guid.NewGuid().ToString();
        var demo = JsonNode.Parse(await File.ReadAllTextAsync(WorkspaceDefinitionSpecsPaths.DemoWorkspace()))!;
        demo["user_tokens"] = new JsonArray(Guid.NewGuid().ToString("N"));
        demo["agents"]![0]!["token"] = agentToken;
        using var data = new TempDirectory();
        var file = data.Combine("workspace.json");
        await File.WriteAllTextAsync(file, demo.ToJsonString());
        using var stop = new CancellationTokenSource(ControlPlaneHarness.Deadline);
        var run = ServerCommand.Create(() => NullLoggerFactory.Instance)
            .Parse(["--workspace", file, "--address", $"127.0.0.1:{port}", "--data-dir", data.Combine("server")])
            .InvokeAsync(cancellationToken: stop.Token);

        var answer = await CurlWithRetriesAsync($"http://127.0.0.1:{port}/api/v2/workspaceagents/me/manifest", agentToken);
        await stop.CancelAsync();
        var exit = await run;

        Assert.Equal("200", answer.Status);
        using var manifest = JsonDocument.Parse(answer.Body);
        Assert.Equal("web", manifest.RootElement.GetProperty("apps")[0].GetProperty("slug").GetString());
        Assert.Equal(0, exit);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>curl itself waits for the listener (connection refused is retried), bounded by --retry-max-time.</summary>
    private static async Task<(string Status, string Body)> CurlWithRetriesAsync(string url, string token)
    {
        var start = new System.Diagnostics.ProcessStartInfo("curl") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[]
        {
            "-sS", "--noproxy", "*", "--max-time", "15", "--retry", "30", "--retry-connrefused", "--retry-delay", "1",
            "--retry-max-time", "15", "-H", $"Coder-Session-Token: {token}", "-w", "\n%{http_code}", url,
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        using var deadline = new CancellationTokenSource(ControlPlaneHarness.Deadline);
        var output = await process.StandardOutput.ReadToEndAsync(deadline.Token);
        await process.WaitForExitAsync(deadline.Token);
        var split = output.LastIndexOf('\n');
        return (output[(split + 1)..], output[..Math.Max(split, 0)]);
    }
}
