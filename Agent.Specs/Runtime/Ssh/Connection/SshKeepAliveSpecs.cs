using Agent.Runtime.Ssh.Connection;
using Agent.Runtime.Ssh.Wire;
using Agent.Specs.Fakes.Ssh;

namespace Agent.Specs.Runtime.Ssh.Connection;

/// <summary>sshd's ClientAlive: a silent client gets keepalive requests and is dropped when it never answers.</summary>
public sealed class SshKeepAliveSpecs
{
    [Fact]
    public async Task SilentClient_DroppedAfterUnansweredKeepalives()
    {
        await using var harness = await SshServerHarness.LoggedInAsync(options => WithKeepAlive(options, TimeSpan.FromMilliseconds(50), countMax: 2));

        await harness.Client.WaitAsync(() => harness.Transport.DisconnectedWith is not null, "the keepalive timeout");

        Assert.Equal(DisconnectReason.ConnectionLost, harness.Transport.DisconnectedWith);
        Assert.Contains(harness.Logger.Warnings, entry => entry.Contains("keepalive", StringComparison.Ordinal));
    }

    private static SshConnectionOptions WithKeepAlive(SshConnectionOptions options, TimeSpan interval, int countMax) => new()
    {
        AuthenticationMode = options.AuthenticationMode,
        PtyLauncher = options.PtyLauncher,
        ProcessLauncher = options.ProcessLauncher,
        EnvironmentSource = options.EnvironmentSource,
        Counters = options.Counters,
        LoggerFactory = options.LoggerFactory,
        KeepAliveInterval = interval,
        KeepAliveCountMax = countMax,
    };
}
