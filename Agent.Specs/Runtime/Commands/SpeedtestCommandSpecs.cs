using System.CommandLine;
using System.Reactive.Concurrency;
using Agent.Runtime.Commands;
using Agent.Runtime.Commands.Options;
using Agent.Runtime.Speedtest;
using Agent.Specs.Fakes.Speedtest;
using Agent.Specs.Utilities;
using Microsoft.Reactive.Testing;

namespace Agent.Specs.Runtime.Commands;

public sealed class SpeedtestCommandSpecs
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();
    private readonly List<(Uri Url, string Token, string Agent, int Port)> _dials = [];

    [Fact]
    public void ParseOptions_OnlyTheRequiredOnes_DefaultsToFiveSecondsDown()
    {
        var (options, error) = SpeedtestCommand.ParseOptions("http://cp.example:3000", "user-token", "main", null, null);

        Assert.Null(error);
        Assert.Equal(new SpeedtestOptions(new Uri("http://cp.example:3000"), "user-token", "main", SpeedtestDirection.Download, TimeSpan.FromSeconds(5)), options);
    }

    [Theory]
    [InlineData("up", "1s", SpeedtestDirection.Upload, 1)]
    [InlineData("UPLOAD", "30s", SpeedtestDirection.Upload, 30)]
    [InlineData("down", "1500ms", SpeedtestDirection.Download, 1.5)]
    [InlineData("download", "0.5m", SpeedtestDirection.Download, 30)]
    public void ParseOptions_DirectionAndTime_AreRead(string direction, string time, SpeedtestDirection expected, double seconds)
    {
        var (options, error) = SpeedtestCommand.ParseOptions("https://cp.example", "t", "dev", direction, time);

        Assert.Null(error);
        Assert.Equal(expected, options!.Direction);
        Assert.Equal(TimeSpan.FromSeconds(seconds), options.Duration);
    }

    [Theory]
    [InlineData(null, "t", "main", null, null, "give the control plane's URL with --url or $AGENT_URL")]
    [InlineData("cp.example", "t", "main", null, null, "--url must be an http(s) URL, not 'cp.example'")]
    [InlineData("ftp://cp.example", "t", "main", null, null, "--url must be an http(s) URL, not 'ftp://cp.example'")]
    [InlineData("http://cp", "", "main", null, null, "give a user token with --token or $AGENT_USER_TOKEN")]
    [InlineData("http://cp", "t", " ", null, null, "give the agent's name with --agent")]
    [InlineData("http://cp", "t", "main", "sideways", null, "--direction is 'up' or 'down', not 'sideways'")]
    [InlineData("http://cp", "t", "main", null, "5", "--time must be a duration such as 5s or 1m, not '5'")]
    [InlineData("http://cp", "t", "main", null, "soon", "--time must be a duration such as 5s or 1m, not 'soon'")]
    [InlineData("http://cp", "t", "main", null, "999ms", "--time must be between 1s and 30s, not '999ms'")]
    [InlineData("http://cp", "t", "main", null, "31s", "--time must be between 1s and 30s, not '31s'")]
    public void ParseOptions_BadValue_SaysWhatIsWrong(string? url, string? token, string? agent, string? direction, string? time, string expected)
    {
        var (options, error) = SpeedtestCommand.ParseOptions(url, token, agent, direction, time);

        Assert.Null(options);
        Assert.Equal(expected, error);
    }

    [Theory]
    [InlineData("--url", "http://cp", "--token", "t", "--agent", "main", "--time", "1h")]
    [InlineData("--url", "http://cp", "--token", "t", "--agent", "main", "--direction")]
    [InlineData("--token", "t", "--agent", "main")]
    [InlineData("--url", "http://cp", "--token", "t", "--agent", "main", "--bogus")]
    public async Task Invoke_BadOptions_ExitsTwoWithoutDialing(params string[] options)
    {
        var exit = await InvokeAsync(FailingDial, NoEnvironment, DefaultScheduler.Instance, options);

        Assert.True(exit == 2, $"exit {exit}: {_error}");
        Assert.StartsWith("agent speedtest: ", _error.ToString(), StringComparison.Ordinal);
        Assert.Empty(_dials);
    }

    [Theory]
    [InlineData("down")]
    [InlineData("up")]
    public async Task Invoke_AgainstARealServer_PrintsEachSecondAndTheTotal(string direction)
    {
        var logger = new RecordingLogger();
        var server = new SpeedtestServer(logger, DefaultScheduler.Instance);
        var serving = new List<Task>();
        var environment = new Dictionary<string, string> { [SpeedtestCommand.UrlVariable] = "http://cp.example", [SpeedtestCommand.TokenVariable] = "env-token" };
        Task<Stream> Dial(Uri url, string token, string agent, int port, CancellationToken cancellationToken)
        {
            _dials.Add((url, token, agent, port));
            var (client, agentEnd) = DuplexPipeStream.CreatePair();
            serving.Add(server.ServeAsync(agentEnd, CancellationToken.None));
            return Task.FromResult<Stream>(client);
        }

        var exit = await InvokeAsync(Dial, environment.GetValueOrDefault, DefaultScheduler.Instance, "--agent", "dev", "--direction", direction, "--time", "1s")
            .WaitAsync(Bound);
        await Task.WhenAll(serving).WaitAsync(Bound);

        Assert.True(exit == 0, _error.ToString());
        Assert.Equal([(new Uri("http://cp.example"), "env-token", "dev", 3)], _dials);
        var lines = _output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(direction == "down" ? "Speed test: download from agent 'dev' for 1 s" : "Speed test: upload to agent 'dev' for 1 s", lines[0]);
        Assert.Matches(@"^0\.00-[01]\.\d\d s +\d+\.\d Mbit/s$", lines[1]); // a tail when the receiver saw less than a second
        Assert.Matches(@"^Total +0\.00-\d\.\d\d s +\d+\.\d Mbit/s +\d+\.\d MB$", lines[^1]);
    }

    [Fact]
    public async Task Invoke_DialFails_ExitsOneWithTheReason()
    {
        var exit = await InvokeAsync(FailingDial, NoEnvironment, DefaultScheduler.Instance, "--url", "http://cp", "--token", "t", "--agent", "ghost");

        Assert.Equal(1, exit);
        Assert.Equal("agent speedtest: cannot reach agent 'ghost' at http://cp/: agent 'ghost' is not connected", _error.ToString().Trim());
        Assert.Single(_dials);
    }

    [Fact]
    public async Task Invoke_AgentRefuses_ExitsOneWithItsError()
    {
        var link = new VirtualLinkStream(new TestScheduler(), 1_000_000) { Handshake = "{\"error\":\"busy\"}\n" };

        var exit = await InvokeAsync(
            (_, _, _, _, _) => Task.FromResult<Stream>(link), NoEnvironment, new TestScheduler(), "--url", "http://cp", "--token", "t", "--agent", "main");

        Assert.Equal(1, exit);
        Assert.Equal("agent speedtest: the agent refused the speed test: busy", _error.ToString().Trim());
        Assert.True(link.Disposed);
    }

    [Fact]
    public void Format_IntervalAndTotal_AreAlignedLines()
    {
        var interval = new SpeedtestInterval(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), 117_650_000);
        var total = new SpeedtestInterval(TimeSpan.Zero, TimeSpan.FromSeconds(5), 588_240_000);

        Assert.Equal("  1.00-2.00 s      941.2 Mbit/s", SpeedtestCommand.FormatInterval(interval));
        Assert.Equal("Total  0.00-5.00 s      941.2 Mbit/s     588.2 MB", SpeedtestCommand.FormatTotal(total));
    }

    private static string? NoEnvironment(string name) => null;

    private Task<Stream> FailingDial(Uri url, string token, string agent, int port, CancellationToken cancellationToken)
    {
        _dials.Add((url, token, agent, port));
        return Task.FromException<Stream>(new InvalidOperationException($"agent '{agent}' is not connected"));
    }

    private Task<int> InvokeAsync(
        Func<Uri, string, string, int, CancellationToken, Task<Stream>> dial, Func<string, string?> environment, IScheduler scheduler, params string[] args)
        => new RootCommand { SpeedtestCommand.Create(dial, environment, scheduler) }
            .Parse(["speedtest", .. args])
            .InvokeAsync(new InvocationConfiguration { Output = _output, Error = _error });
}
