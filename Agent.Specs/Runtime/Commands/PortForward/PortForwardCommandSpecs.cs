using System.CommandLine;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Agent.Runtime.Commands.PortForward;
using Agent.Specs.Fakes.Relay;
using Agent.Specs.Utilities;

namespace Agent.Specs.Runtime.Commands.PortForward;

/// <summary><c>agent port-forward</c> in-process: real local sockets, relayed to the fake <c>/connect</c>'s echo.</summary>
public sealed partial class PortForwardCommandSpecs : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private readonly StringWriter _outputText = new();
    private readonly StringWriter _errorText = new();
    private readonly TextWriter _output;
    private readonly TextWriter _error;
    private readonly CancellationTokenSource _stop = new();
    private FakeRelayServer _server = null!;

    public PortForwardCommandSpecs()
    {
        _output = TextWriter.Synchronized(_outputText);
        _error = TextWriter.Synchronized(_errorText);
    }

    public async Task InitializeAsync() => _server = await FakeRelayServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _server.DisposeAsync();
        _stop.Dispose();
    }

    [Fact]
    public async Task PortForward_ConnectionToTheLocalPort_EchoedThroughTheRelayWithHalfClose()
    {
        var local = FreePort.Next();
        var run = Start("--tcp", $"{local}:{FakeRelayServer.EchoPort}");
        await OutputContainsAsync($"Forwarding 127.0.0.1:{local} -> agent main port {FakeRelayServer.EchoPort}");
        var payload = RandomNumberGenerator.GetBytes(512 * 1024);

        var echoed = await RoundTripAsync(local, payload);

        Assert.Equal(payload, echoed);
        await _stop.CancelAsync();
        Assert.Equal(0, await run.WaitAsync(Deadline));
        Assert.Empty(_errorText.ToString());
    }

    [Fact]
    public async Task PortForward_LocalZeroAndTwoForwards_PrintsTheActualPortsAndBothWork()
    {
        var run = Start("--tcp", $"0:{FakeRelayServer.EchoPort}", "--tcp", $"127.0.0.1:0:{FakeRelayServer.GreetingPort}");
        await OutputContainsAsync($"port {FakeRelayServer.GreetingPort}");
        var ports = ForwardingLine().Matches(_outputText.ToString()).ToDictionary(m => int.Parse(m.Groups[2].Value), m => int.Parse(m.Groups[1].Value));

        Assert.Equal([1, 2, 3], await RoundTripAsync(ports[FakeRelayServer.EchoPort], [1, 2, 3]));
        using var greeting = new TcpClient();
        await greeting.ConnectAsync("127.0.0.1", ports[FakeRelayServer.GreetingPort]);
        Assert.Equal(FakeRelayServer.Greeting, await new StreamReader(greeting.GetStream()).ReadToEndAsync().WaitAsync(Deadline));
        Assert.NotEqual(0, ports[FakeRelayServer.EchoPort]);
        await _stop.CancelAsync();
        Assert.Equal(0, await run.WaitAsync(Deadline));
    }

    [Fact]
    public async Task PortForward_DialRefused_ThatConnectionEndsWithAMessageAndTheNextWorks()
    {
        var broken = FreePort.Next();
        var working = FreePort.Next();
        var run = Start("--tcp", $"{broken}:{FakeRelayServer.UnreachablePort}", "--tcp", $"{working}:{FakeRelayServer.EchoPort}");
        await OutputContainsAsync($"127.0.0.1:{working}");

        using (var client = new TcpClient())
        {
            // The forwarder resets the connection as soon as the dial fails, which can beat the end of our connect.
            var ended = true;
            try
            {
                await client.ConnectAsync("127.0.0.1", broken);
                ended = await ReadOrResetAsync(client.GetStream(), new byte[16]);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
            {
            }

            Assert.True(ended, "the refused connection should end");
        }

        await Eventually.WaitAsync(() => _errorText.ToString().Contains(FakeRelayServer.UnreachableMessage, StringComparison.Ordinal), "the dial error on stderr", Deadline);
        Assert.Contains($"agent port-forward: 127.0.0.1:{broken} -> agent main port {FakeRelayServer.UnreachablePort}: ", _errorText.ToString(), StringComparison.Ordinal);
        Assert.Equal([9, 8, 7], await RoundTripAsync(working, [9, 8, 7]));
        await _stop.CancelAsync();
        Assert.Equal(0, await run.WaitAsync(Deadline));
    }

    [Fact]
    public async Task PortForward_StreamFailsMidway_LocalConnectionIsResetAndReported()
    {
        var local = FreePort.Next();
        var run = Start("--tcp", $"{local}:{FakeRelayServer.FailingPort}");
        await OutputContainsAsync($"127.0.0.1:{local}");

        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", local);
        await client.GetStream().WriteAsync("boom"u8.ToArray());

        Assert.True(await ReadOrResetAsync(client.GetStream(), new byte[16]));
        await Eventually.WaitAsync(() => _errorText.ToString().Contains(FakeRelayServer.FailureReason, StringComparison.Ordinal), "the failure on stderr", Deadline);
        await _stop.CancelAsync();
        Assert.Equal(0, await run.WaitAsync(Deadline));
    }

    [Fact]
    public async Task PortForward_ManyConcurrentConnections_NoCrossTalk()
    {
        var local = FreePort.Next();
        var run = Start("--tcp", $"{local}:{FakeRelayServer.EchoPort}");
        await OutputContainsAsync($"127.0.0.1:{local}");
        var payloads = Enumerable.Range(0, 20).Select(_ => RandomNumberGenerator.GetBytes(64 * 1024)).ToList();

        var echoed = await Task.WhenAll(payloads.Select(payload => RoundTripAsync(local, payload)));

        Assert.Equal(payloads, echoed);
        await _stop.CancelAsync();
        Assert.Equal(0, await run.WaitAsync(Deadline));
    }

    [Fact]
    public async Task PortForward_LocalPortTaken_ExitOne()
    {
        using var taken = new TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;

        var exit = await Start("--tcp", $"{port}:{FakeRelayServer.EchoPort}").WaitAsync(Deadline);

        Assert.Equal(1, exit);
        Assert.StartsWith($"agent port-forward: cannot listen on 127.0.0.1:{port}: ", _errorText.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("8080")]
    [InlineData("8080:0")]
    [InlineData("nohost:1:2")]
    public async Task PortForward_BadTcpSpec_ExitOneWithTheFormat(string spec)
    {
        var exit = await Start("--tcp", spec).WaitAsync(Deadline);

        Assert.Equal(1, exit);
        Assert.Contains("--tcp wants [BIND:]LOCAL:REMOTE", _errorText.ToString(), StringComparison.Ordinal);
    }

    [GeneratedRegex(@"Forwarding 127\.0\.0\.1:(\d+) -> agent main port (\d+)")]
    private static partial Regex ForwardingLine();

    private static async Task<bool> ReadOrResetAsync(NetworkStream stream, byte[] buffer)
    {
        try
        {
            using var timeout = new CancellationTokenSource(Deadline);
            return await stream.ReadAsync(buffer, timeout.Token) == 0;
        }
        catch (IOException)
        {
            return true;
        }
    }

    private static async Task<byte[]> RoundTripAsync(int port, byte[] payload)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var stream = client.GetStream();
        var reading = Task.Run(async () =>
        {
            using var all = new MemoryStream();
            await stream.CopyToAsync(all);
            return all.ToArray();
        });
        await stream.WriteAsync(payload);
        client.Client.Shutdown(SocketShutdown.Send);
        return await reading.WaitAsync(Deadline);
    }

    private Task OutputContainsAsync(string text)
        => Eventually.WaitAsync(() => _outputText.ToString().Contains(text, StringComparison.Ordinal), $"\"{text}\" on stdout (stderr: {_errorText})", Deadline);

    private Task<int> Start(params string[] options)
    {
        string[] args = ["port-forward", "--url", _server.BaseUrl.ToString(), "--token", FakeRelayServer.Token, "--agent", FakeRelayServer.AgentName, .. options];
        return Task.Run(() => new RootCommand { PortForwardCommand.Create(_ => null, handleSignals: false) }
            .Parse(args)
            .InvokeAsync(new InvocationConfiguration { Output = _output, Error = _error }, _stop.Token));
    }
}
