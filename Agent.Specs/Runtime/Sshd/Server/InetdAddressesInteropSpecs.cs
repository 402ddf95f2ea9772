using System.Diagnostics;
using System.Globalization;
using Agent.Specs.Integration;
using Agent.Specs.Runtime.Sshd.Forwarding;
using Agent.Specs.Utilities;

namespace Agent.Specs.Runtime.Sshd.Server;

/// <summary>
/// <c>SSH_CLIENT</c> and <c>SSH_CONNECTION</c> of sessions of <c>agent ssh-server --inetd</c>, as sshd sets them: on
/// a pipe (<c>ProxyCommand</c>) there is no address and the values are <c>UNKNOWN 65535</c>; on a TCP socket handed
/// over as stdin/stdout (inetd, systemd's <c>Accept=yes</c>) they are the socket's addresses.
/// </summary>
public sealed class InetdAddressesInteropSpecs : IDisposable
{
    // A one-connection inetd: prints its port, accepts one TCP connection and runs the command on it as fds 0 and 1.
    private const string Inetd = """
        import os, socket, sys
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        print(listener.getsockname()[1], flush=True)
        connection, _ = listener.accept()
        listener.close()
        os.dup2(connection.fileno(), 0)
        os.dup2(connection.fileno(), 1)
        connection.close()
        os.execvp(sys.argv[1], sys.argv[1:])
        """;

    private const string Probe = "echo \"client=$SSH_CLIENT\"; echo \"connection=$SSH_CONNECTION\"";

    private readonly TempDirectory _directory = new();

    public InetdAddressesInteropSpecs()
    {
        OpenSshClient.Prepare(_directory);
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Session_OverAPipe_HasSshdsUnknownAddresses()
    {
        using var ssh = OpenSshClient.Start(_directory, null, "--", Probe);

        Assert.Equal(0, await ssh.WaitForExitAsync());

        Assert.Contains("client=UNKNOWN 65535 65535", ssh.Stdout, StringComparison.Ordinal);
        Assert.Contains("connection=UNKNOWN 65535 UNKNOWN 65535", ssh.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Session_OverATcpSocketOnStdin_HasTheSocketsAddresses()
    {
        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[]
        {
            "-c", Inetd, "dotnet", AgentBinary.Path, "ssh-server", "--inetd",
            "--host-key-dir", _directory.Combine("hostkeys"), "--authorized-keys", _directory.Combine("authorized_keys"),
        })
            info.ArgumentList.Add(argument);
        using var inetd = Process.Start(info)!;
        try
        {
            var port = int.Parse((await inetd.StandardOutput.ReadLineAsync().WaitAsync(Eventually.DefaultTimeout))!, CultureInfo.InvariantCulture);
            using var ssh = OpenSshClient.Start(_directory, port, null, "--", Probe);

            Assert.Equal(0, await ssh.WaitForExitAsync());

            var client = ssh.Stdout.Split('\n').Single(line => line.StartsWith("client=", StringComparison.Ordinal));
            var fields = client["client=".Length..].Split(' ');
            Assert.Equal(["127.0.0.1", port.ToString(CultureInfo.InvariantCulture)], new[] { fields[0], fields[2] });
            Assert.Contains($"connection=127.0.0.1 {fields[1]} 127.0.0.1 {port}", ssh.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            if (!inetd.HasExited)
                inetd.Kill(entireProcessTree: true);
            await inetd.WaitForExitAsync();
        }
    }
}
