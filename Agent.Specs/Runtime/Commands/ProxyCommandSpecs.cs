using System.CommandLine;
using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;
using Agent.Runtime.Commands.Options;
using Agent.Runtime.Commands.PortForward;
using Agent.Specs.Fakes.Relay;
using Agent.Specs.Utilities;

namespace Agent.Specs.Runtime.Commands;

/// <summary><c>agent proxy</c> in-process against the fake <c>/connect</c>, with stdin and stdout replaced.</summary>
public sealed class ProxyCommandSpecs : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();
    private readonly MemoryStream _stdout = new();
    private FakeRelayServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeRelayServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Proxy_StdinEndsAtTheEcho_StdoutGetsEveryByteAndExitZero()
    {
        var payload = RandomNumberGenerator.GetBytes(1024 * 1024 + 17);

        var exit = await InvokeAsync(new MemoryStream(payload), "--token", FakeRelayServer.Token, "--port", $"{FakeRelayServer.EchoPort}");

        Assert.True(exit == 0, _error.ToString());
        Assert.Equal(payload, _stdout.ToArray());
        Assert.Empty(_error.ToString());
        Assert.Empty(_output.ToString());
    }

    [Fact]
    public async Task Proxy_StreamEndsWhileStdinStaysOpen_ExitsZeroWithTheBytes()
    {
        var neverEnds = new Pipe();

        var exit = await InvokeAsync(neverEnds.Reader.AsStream(), "--token", FakeRelayServer.Token, "--port", $"{FakeRelayServer.GreetingPort}").WaitAsync(Deadline);

        Assert.True(exit == 0, _error.ToString());
        Assert.Equal(FakeRelayServer.Greeting, Encoding.UTF8.GetString(_stdout.ToArray()));
    }

    [Fact]
    public async Task Proxy_StreamFails_OneLineOnStderrAndExitOne()
    {
        var stdin = new Pipe();
        await stdin.Writer.WriteAsync("ping"u8.ToArray());

        var exit = await InvokeAsync(stdin.Reader.AsStream(), "--token", FakeRelayServer.Token, "--port", $"{FakeRelayServer.FailingPort}").WaitAsync(Deadline);

        Assert.Equal(1, exit);
        Assert.Equal($"agent proxy: {FakeRelayServer.FailureReason} (1011){Environment.NewLine}", _error.ToString());
        Assert.Empty(_stdout.ToArray());
    }

    [Fact]
    public async Task Proxy_StdoutBreaks_ExitOneAndTheStreamIsFailed()
    {
        var stdin = new Pipe();
        await stdin.Writer.WriteAsync("ping"u8.ToArray());
        var stdout = new BrokenStream();

        var exit = await new RootCommand { ProxyCommand.Create(NoEnvironment, () => stdin.Reader.AsStream(), () => stdout) }
            .Parse(["proxy", "--url", _server.BaseUrl.ToString(), "--agent", "main", "--token", FakeRelayServer.Token, "--port", $"{FakeRelayServer.EchoPort}"])
            .InvokeAsync(new InvocationConfiguration { Output = _output, Error = _error })
            .WaitAsync(Deadline);

        Assert.Equal(1, exit);
        Assert.Equal($"agent proxy: {BrokenStream.Reason}{Environment.NewLine}", _error.ToString());
        await Eventually.WaitAsync(() => _server.OpenStreams == 0, "the fake to see the stream end", Deadline);
    }

    [Fact]
    public async Task Proxy_RefusedToken_ExitOneWithoutTheTokenAnywhere()
    {
        const string token = "not-the-token-41aa";

        var exit = await InvokeAsync(new MemoryStream(), "--token", token);

        Assert.Equal(1, exit);
        Assert.Equal($"agent proxy: agent \"main\" port 1: Invalid user token. (401){Environment.NewLine}", _error.ToString());
        Assert.DoesNotContain(token, _error.ToString(), StringComparison.Ordinal);
        Assert.Empty(_stdout.ToArray());
    }

    [Fact]
    public async Task Proxy_TokenFile_IsReadAndTrimmed()
    {
        using var directory = new TempDirectory();
        var file = directory.Combine("token");
        await File.WriteAllTextAsync(file, FakeRelayServer.Token + "\n");

        var exit = await InvokeAsync(new MemoryStream("abc"u8.ToArray()), "--token-file", file, "--port", $"{FakeRelayServer.EchoPort}");

        Assert.True(exit == 0, _error.ToString());
        Assert.Equal("abc", Encoding.UTF8.GetString(_stdout.ToArray()));
    }

    [Fact]
    public async Task Proxy_TokenFromTheEnvironment_IsUsed()
    {
        var environment = new Dictionary<string, string> { [ClientConnectionOptions.TokenVariable] = FakeRelayServer.Token };

        var exit = await InvokeAsync(environment.GetValueOrDefault, new MemoryStream("env"u8.ToArray()), "--port", $"{FakeRelayServer.EchoPort}");

        Assert.True(exit == 0, _error.ToString());
        Assert.Equal("env", Encoding.UTF8.GetString(_stdout.ToArray()));
    }

    [Theory]
    [InlineData("agent proxy: cannot read the token file", "--token-file", "/nonexistent/token")]
    [InlineData("agent proxy: give a user token", "--port", "1")]
    [InlineData("agent proxy: give either --token or --token-file", "--token", "t", "--token-file", "/etc/hostname")]
    [InlineData("agent proxy: --port must be 1-65535, not 0", "--token", "t", "--port", "0")]
    public async Task Proxy_BadOptions_ExitOneWithAHintAndNoDial(string expected, params string[] options)
    {
        var exit = await InvokeAsync(new MemoryStream(), options);

        Assert.Equal(1, exit);
        Assert.StartsWith(expected, _error.ToString(), StringComparison.Ordinal);
        Assert.Empty(_server.Dials);
    }

    [Fact]
    public async Task Proxy_NoAgent_ExitOne()
    {
        var exit = await new RootCommand { ProxyCommand.Create(NoEnvironment, () => new MemoryStream(), () => _stdout) }
            .Parse(["proxy", "--url", _server.BaseUrl.ToString(), "--token", "t"])
            .InvokeAsync(new InvocationConfiguration { Output = _output, Error = _error });

        Assert.Equal(1, exit);
        Assert.Equal($"agent proxy: give the agent's name with --agent{Environment.NewLine}", _error.ToString());
    }

    private static string? NoEnvironment(string name) => null;

    private Task<int> InvokeAsync(Stream stdin, params string[] options) => InvokeAsync(NoEnvironment, stdin, options);

    private Task<int> InvokeAsync(Func<string, string?> environment, Stream stdin, params string[] options)
        => new RootCommand { ProxyCommand.Create(environment, () => stdin, () => _stdout) }
            .Parse(["proxy", "--url", _server.BaseUrl.ToString(), "--agent", FakeRelayServer.AgentName, .. options])
            .InvokeAsync(new InvocationConfiguration { Output = _output, Error = _error });

    /// <summary>A stdout whose reader went away: every write fails.</summary>
    private sealed class BrokenStream : MemoryStream
    {
        public const string Reason = "Broken pipe";

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
            => ValueTask.FromException(new IOException(Reason));
    }
}
