using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Agent.Runtime.Ssh.Algorithms.KeyExchange;
using Agent.Runtime.Ssh.Keys;
using Agent.Runtime.Ssh.Transport;
using Agent.Runtime.Ssh.Wire;
using Agent.Specs.Utilities;

namespace Agent.Specs.Runtime.Ssh.Transport;

/// <summary>
/// The real OpenSSH client against the transport on a loopback listener, with a spec-side responder that refuses
/// every authentication request: kex, cipher and MAC are forced with -o, and ssh must end with "Permission denied"
/// (exit 255) after SERVICE_ACCEPT, never with a kex or MAC error.
/// </summary>
public class OpenSshInteropSpecs
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly IHostKey[] HostKeys = [Ed25519HostKey.Generate(), EcdsaHostKey.Generate(), RsaHostKey.Generate()];

    public static TheoryData<string, string, string, string> Combinations()
    {
        var data = new TheoryData<string, string, string, string>();
        foreach (var cipher in SshServerOptions.SupportedCiphers)
        {
            if (cipher.Contains("ctr"))
            {
                foreach (var mac in SshServerOptions.SupportedMacs)
                    data.Add("curve25519-sha256", "ssh-ed25519", cipher, mac);
            }
            else
            {
                data.Add("curve25519-sha256", "ssh-ed25519", cipher, "hmac-sha2-256-etm@openssh.com");
            }
        }

        // Every method of the kex registry the installed client also knows (OpenSSH 9.2 lacks the ML-KEM hybrid).
        var clientKex = ClientKeyExchangeMethods();
        foreach (var kex in KeyExchangeMethods.ServerPreference.Where(clientKex.Contains).Where(k => k != "curve25519-sha256"))
            data.Add(kex, "ssh-ed25519", "chacha20-poly1305@openssh.com", "hmac-sha2-256-etm@openssh.com");
        foreach (var hostKey in new[] { "ecdsa-sha2-nistp256", "rsa-sha2-512", "rsa-sha2-256" })
            data.Add("curve25519-sha256", hostKey, "aes128-gcm@openssh.com", "hmac-sha2-256-etm@openssh.com");
        return data;
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public async Task OpenSsh_ForcedAlgorithms_CompletesKexAndIsRefusedAuthentication(string kex, string hostKey, string cipher, string mac)
    {
        var logger = new RecordingLogger();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var server = ServeOneAsync(listener, logger);

        var (exitCode, stderr) = await RunSshAsync(port, "-o", $"KexAlgorithms={kex}", "-o", $"HostKeyAlgorithms={hostKey}", "-o", $"Ciphers={cipher}", "-o", $"MACs={mac}");
        var transport = await server.WaitAsync(Bound);

        Assert.True(exitCode == 255, $"ssh exited {exitCode}:\n{stderr}");
        Assert.Contains($"kex: algorithm: {kex}", stderr);
        Assert.Contains($"kex: host key algorithm: {hostKey}", stderr);
        var expectedMac = cipher.Contains("ctr") ? mac : "<implicit>";
        Assert.Contains($"kex: client->server cipher: {cipher} MAC: {expectedMac} compression: none", stderr);
        Assert.Contains($"kex: server->client cipher: {cipher} MAC: {expectedMac} compression: none", stderr);
        Assert.Contains("SSH2_MSG_SERVICE_ACCEPT received", stderr);
        Assert.Contains("server-sig-algs=<ssh-ed25519,", stderr);
        Assert.Contains("Permission denied (publickey)", stderr);
        Assert.DoesNotContain("Corrupted MAC", stderr);
        Assert.StartsWith("SSH-2.0-OpenSSH", transport.ClientVersion);
        Assert.Empty(logger.Warnings);
    }

    [Fact]
    public async Task OpenSsh_ServerRekeysDuringOutput_ClientGetsEveryByte()
    {
        var logger = new RecordingLogger();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var server = ServeSessionAsync(listener, logger, new SshServerOptions { HostKeys = HostKeys, RekeyBytes = 16 * 1024 }, outputBytes: 512 * 1024);

        var (exitCode, stderr, stdout) = await RunSshWithOutputAsync(port, ["-o", "Ciphers=chacha20-poly1305@openssh.com"]);
        await server.WaitAsync(Bound);

        Assert.True(exitCode == 0, $"ssh exited {exitCode}:\n{stderr}");
        Assert.Equal(512 * 1024, stdout.Length);
        Assert.All(stdout, c => Assert.Equal('x', c));
        var kexInits = stderr.Split('\n').Count(line => line.Contains("SSH2_MSG_KEXINIT received"));
        Assert.True(kexInits >= 10, $"the server re-keyed {kexInits - 1} times:\n{stderr}");
        Assert.Empty(logger.Warnings);
    }

    /// <summary>
    /// Just enough of the connection layer for one exec: accept any authentication, open the session, answer exec,
    /// write <paramref name="outputBytes"/> of 'x', exit-status 0, EOF, CLOSE.
    /// </summary>
    private static async Task ServeSessionAsync(TcpListener listener, RecordingLogger logger, SshServerOptions options, int outputBytes)
    {
        using var socket = await listener.AcceptSocketAsync().WaitAsync(Bound);
        await using var transport = await SshServerTransport.AcceptAsync(new NetworkStream(socket, ownsSocket: true), socket.LocalEndPoint, socket.RemoteEndPoint, options, logger, default);
        uint clientChannel = 0;
        while (await transport.ReceiveAsync(default) is { } payload)
        {
            var reader = new SshReader(payload.Span[1..]);
            switch ((MessageNumber)payload.Span[0])
            {
                case MessageNumber.UserauthRequest:
                    await transport.SendAsync(new byte[] { (byte)MessageNumber.UserauthSuccess }, default);
                    transport.CompleteAuthentication();
                    break;
                case MessageNumber.ChannelOpen:
                    reader.ReadString();
                    clientChannel = reader.ReadUInt32();
                    await transport.SendAsync(new SshWriter().Write(MessageNumber.ChannelOpenConfirmation).WriteUInt32(clientChannel).WriteUInt32(0).WriteUInt32(1 << 21).WriteUInt32(32768).ToArray(), default);
                    break;
                case MessageNumber.ChannelRequest:
                    reader.ReadUInt32();
                    var type = reader.ReadString();
                    var wantReply = reader.ReadBoolean();
                    if (type != "exec")
                    {
                        if (wantReply)
                            await transport.SendAsync(new SshWriter().Write(MessageNumber.ChannelFailure).WriteUInt32(clientChannel).ToArray(), default);
                        break;
                    }

                    if (wantReply)
                        await transport.SendAsync(new SshWriter().Write(MessageNumber.ChannelSuccess).WriteUInt32(clientChannel).ToArray(), default);
                    var chunk = Enumerable.Repeat((byte)'x', 8192).ToArray();
                    for (var sent = 0; sent < outputBytes; sent += chunk.Length)
                        await transport.SendAsync(new SshWriter().Write(MessageNumber.ChannelData).WriteUInt32(clientChannel).WriteBinary(chunk).ToArray(), default);
                    await transport.SendAsync(new SshWriter().Write(MessageNumber.ChannelRequest).WriteUInt32(clientChannel).WriteString("exit-status").WriteBoolean(false).WriteUInt32(0).ToArray(), default);
                    await transport.SendAsync(new SshWriter().Write(MessageNumber.ChannelEof).WriteUInt32(clientChannel).ToArray(), default);
                    await transport.SendAsync(new SshWriter().Write(MessageNumber.ChannelClose).WriteUInt32(clientChannel).ToArray(), default);
                    break;
            }
        }
    }

    private static async Task<SshServerTransport> ServeOneAsync(TcpListener listener, RecordingLogger logger, SshServerOptions? options = null)
    {
        using var socket = await listener.AcceptSocketAsync().WaitAsync(Bound);
        var transport = await SshServerTransport.AcceptAsync(new NetworkStream(socket, ownsSocket: true), socket.LocalEndPoint, socket.RemoteEndPoint, options ?? new SshServerOptions { HostKeys = HostKeys }, logger, default);
        await using (transport)
        {
            while (await transport.ReceiveAsync(default) is { } payload)
            {
                if (payload.Span[0] == (byte)MessageNumber.UserauthRequest)
                    await transport.SendAsync(new SshWriter().Write(MessageNumber.UserauthFailure).WriteNameList(["publickey"]).WriteBoolean(false).ToArray(), default);
            }
        }

        return transport;
    }

    private static HashSet<string> ClientKeyExchangeMethods()
    {
        var start = new ProcessStartInfo("ssh", "-Q kex") { RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
    }

    private static async Task<(int ExitCode, string Stderr)> RunSshAsync(int port, params string[] options)
    {
        var (exitCode, stderr, _) = await RunSshWithOutputAsync(port, options);
        return (exitCode, stderr);
    }

    private static async Task<(int ExitCode, string Stderr, string Stdout)> RunSshWithOutputAsync(int port, params string[] options)
    {
        var start = new ProcessStartInfo("ssh")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in new[] { "-vvv", "-F", "/dev/null", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null" })
            start.ArgumentList.Add(argument);
        foreach (var option in options)
            start.ArgumentList.Add(option);
        foreach (var argument in new[] { "-p", port.ToString(), "user@127.0.0.1", "true" })
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Bound);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new TimeoutException("ssh did not finish: " + await stderr);
        }

        return (process.ExitCode, await stderr, await stdout);
    }
}
