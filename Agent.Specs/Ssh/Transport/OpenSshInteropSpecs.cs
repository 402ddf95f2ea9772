using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Agent.Runtime.Ssh.Algorithms.KeyExchange;
using Agent.Runtime.Ssh.Keys;
using Agent.Runtime.Ssh.Transport;
using Agent.Runtime.Ssh.Wire;
using Agent.Specs.Utilities;

namespace Agent.Specs.Ssh.Transport;

/// <summary>
/// The real OpenSSH client against the transport on a loopback listener, with a spec-side responder that refuses
/// every authentication request: kex, cipher and MAC are forced with -o, and ssh must end with "Permission denied"
/// (exit 255) after SERVICE_ACCEPT, never with a kex or MAC error.
/// </summary>
public class OpenSshInteropSpecs
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly Ed25519HostKey HostKey = Ed25519HostKey.Generate();

    public static TheoryData<string, string, string> Combinations()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var cipher in SshServerOptions.SupportedCiphers)
        {
            if (cipher.Contains("ctr"))
            {
                foreach (var mac in SshServerOptions.SupportedMacs)
                    data.Add("curve25519-sha256", cipher, mac);
            }
            else
            {
                data.Add("curve25519-sha256", cipher, "hmac-sha2-256-etm@openssh.com");
            }
        }

        foreach (var kex in KeyExchangeMethods.ServerPreference.Skip(1))
            data.Add(kex, "chacha20-poly1305@openssh.com", "hmac-sha2-256-etm@openssh.com");
        return data;
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public async Task OpenSsh_ForcedAlgorithms_CompletesKexAndIsRefusedAuthentication(string kex, string cipher, string mac)
    {
        var logger = new RecordingLogger();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var server = ServeOneAsync(listener, logger);

        var (exitCode, stderr) = await RunSshAsync(port, "-o", $"KexAlgorithms={kex}", "-o", $"Ciphers={cipher}", "-o", $"MACs={mac}");
        var transport = await server.WaitAsync(Bound);

        Assert.True(exitCode == 255, $"ssh exited {exitCode}:\n{stderr}");
        Assert.Contains($"kex: algorithm: {kex}", stderr);
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
    public async Task OpenSsh_ClientRekeysOften_KeepsTheConnection()
    {
        var logger = new RecordingLogger();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var server = ServeOneAsync(listener, logger);

        // Each refused publickey attempt moves a few hundred bytes; RekeyLimit=1K re-keys between them.
        var (exitCode, stderr) = await RunSshAsync(port, "-o", "RekeyLimit=1K", "-o", "Ciphers=aes256-gcm@openssh.com");
        await server.WaitAsync(Bound);

        Assert.True(exitCode == 255, $"ssh exited {exitCode}:\n{stderr}");
        Assert.Contains("Permission denied (publickey)", stderr);
        Assert.Empty(logger.Warnings);
    }

    private static async Task<SshServerTransport> ServeOneAsync(TcpListener listener, RecordingLogger logger)
    {
        using var socket = await listener.AcceptSocketAsync().WaitAsync(Bound);
        var transport = await SshServerTransport.AcceptAsync(socket, new SshServerOptions { HostKeys = [HostKey] }, logger, default);
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

    private static async Task<(int ExitCode, string Stderr)> RunSshAsync(int port, params string[] options)
    {
        var start = new ProcessStartInfo("ssh")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in new[] { "-vvv", "-F", "/dev/null", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "HostKeyAlgorithms=ssh-ed25519" })
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

        await stdout;
        return (process.ExitCode, await stderr);
    }
}
