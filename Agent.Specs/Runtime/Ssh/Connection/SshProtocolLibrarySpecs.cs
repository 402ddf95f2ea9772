using System.Text;
using Agent.Runtime.Ssh.Auth;
using Agent.Runtime.Ssh.Channels;
using Agent.Runtime.Ssh.Connection;
using Agent.Runtime.Ssh.Wire;
using Agent.Specs.Runtime.Ssh.Transport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Specs.Runtime.Ssh.Connection;

/// <summary>
/// <c>Ssh/</c> is an SSH protocol library over any stream: key exchange, userauth and the connection protocol with a
/// channel type defined here, over an in-memory stream pair, with no type of the agent's SSH server (Sshd) involved.
/// </summary>
public sealed class SshProtocolLibrarySpecs
{
    private const string EchoType = "echo@specs.example";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task ChannelTypeOfTheCaller_OverAnInMemoryStream_RunsAfterKeyExchangeAndUserauth()
    {
        await using var harness = await SshServerTransportSpecs.Harness.StartAsync("aes128-gcm@openssh.com", "hmac-sha2-256-etm@openssh.com");
        var options = new SshConnectionOptions
        {
            AuthenticationMode = SshAuthenticationMode.Trusted,
            ChannelTypes = new Dictionary<string, SshChannelOpenHandler> { [EchoType] = (channel, _, _) => ValueTask.FromResult(SshChannelOpenResult.Accept(new EchoChannel(channel))) },
            KeepAliveInterval = null,
            LoggerFactory = NullLoggerFactory.Instance,
        };
        using var stop = new CancellationTokenSource();
        var server = SshConnectionHandler.RunAsync(harness.Server, options, stop.Token);
        var client = harness.Client;

        // RFC 4252 §5 SSH_MSG_USERAUTH_REQUEST with the "none" method.
        await client.SendAsync(new SshWriter().Write(MessageNumber.UserauthRequest).WriteString("someone").WriteString("ssh-connection").WriteString("none").ToArray());
        Assert.Equal((byte)MessageNumber.UserauthSuccess, (await ReceiveAsync(client))[0]);

        await client.SendAsync(new SshWriter().Write(MessageNumber.ChannelOpen).WriteString(EchoType).WriteUInt32(7).WriteUInt32(1 << 20).WriteUInt32(32 * 1024).ToArray());
        var confirmation = new SshReader(await ReceiveAsync(client));
        Assert.Equal(MessageNumber.ChannelOpenConfirmation, confirmation.ReadMessageNumber());
        Assert.Equal(7u, confirmation.ReadUInt32());
        var serverChannel = confirmation.ReadUInt32();

        await client.SendAsync(new SshWriter().Write(MessageNumber.ChannelData).WriteUInt32(serverChannel).WriteString("hello").ToArray());
        var echoed = new SshReader(await ReceiveAsync(client));
        Assert.Equal(MessageNumber.ChannelData, echoed.ReadMessageNumber());
        Assert.Equal(7u, echoed.ReadUInt32());
        Assert.Equal("hello", Encoding.UTF8.GetString(echoed.ReadBinary()));

        await stop.CancelAsync();
        await server.WaitAsync(Bound);
    }

    [Fact]
    public void SshProtocolTypes_ReferenceNoServerOrOperatingSystemProcessTypes()
    {
        var assembly = typeof(SshConnectionHandler).Assembly;
        string[] forbidden = ["Agent.Runtime.Sshd", "Agent.Runtime.Os.Processes", "Agent.Runtime.Os.Pty", "Agent.Runtime.Hosting", "Agent.Runtime.Commands", "Agent.Runtime.Net"];
        var offenders = assembly.GetTypes()
            .Where(t => t.Namespace?.StartsWith("Agent.Runtime.Ssh.", StringComparison.Ordinal) == true || t.Namespace == "Agent.Runtime.Ssh")
            .SelectMany(t => ReferencedTypes(t).Where(r => forbidden.Any(f => r.Namespace?.StartsWith(f, StringComparison.Ordinal) == true)).Select(r => $"{t.FullName} -> {r.FullName}"))
            .Distinct()
            .ToList();

        Assert.Empty(offenders);
    }

    private static async Task<byte[]> ReceiveAsync(Fakes.SshTransport.SpecSshClient client)
        => await client.ReceiveAsync().WaitAsync(Bound) ?? throw new IOException("the server closed the connection");

    private static IEnumerable<Type> ReferencedTypes(Type type)
    {
        const System.Reflection.BindingFlags All = System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic
            | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.DeclaredOnly;
        foreach (var field in type.GetFields(All))
            yield return field.FieldType;
        foreach (var property in type.GetProperties(All))
            yield return property.PropertyType;
        foreach (var method in type.GetMethods(All))
        {
            yield return method.ReturnType;
            foreach (var parameter in method.GetParameters())
                yield return parameter.ParameterType;
        }

        foreach (var constructor in type.GetConstructors(All))
        {
            foreach (var parameter in constructor.GetParameters())
                yield return parameter.ParameterType;
        }
    }

    // Sends back whatever arrives on the channel.
    private sealed class EchoChannel : ISshChannelHandler
    {
        public EchoChannel(SshChannel channel)
        {
            _ = Task.Run(async () =>
            {
                var buffer = new byte[1024];
                int read;
                try
                {
                    while ((read = await channel.ReadAsync(buffer, channel.Closed)) > 0)
                        await channel.WriteAsync(buffer.AsMemory(0, read), channel.Closed);
                }
                catch (Exception e) when (e is OperationCanceledException or SshProtocolException or IOException)
                {
                    // The connection ended.
                }
            });
        }

        public ValueTask<bool> OnRequestAsync(SshChannelRequest request, CancellationToken cancellationToken) => ValueTask.FromResult(false);

        public void OnClosed()
        {
        }
    }
}
