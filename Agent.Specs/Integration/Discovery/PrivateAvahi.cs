using Agent.Specs.Utilities;

namespace Agent.Specs.Integration.Discovery;

/// <summary>
/// Debian's avahi-daemon inside the client's namespace, as avahi-browse needs it: a private D-Bus system bus
/// (<c>dbus-daemon</c> on a socket in a temporary directory, <c>DBUS_SYSTEM_BUS_ADDRESS</c>) and the daemon with a
/// private configuration (only the client's interface, IPv4, no publishing), its <c>/run</c> a private tmpfs so it
/// never meets the host's avahi. Disposing kills both.
/// </summary>
public sealed class PrivateAvahi : IAsyncDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly List<RunningProcess> _processes = [];

    private PrivateAvahi()
    {
    }

    public string BusAddress => $"unix:path={_directory.Combine("bus.sock")}";

    public IDictionary<string, string> Environment => new Dictionary<string, string> { ["DBUS_SYSTEM_BUS_ADDRESS"] = BusAddress };

    public static async Task<PrivateAvahi> StartAsync(LanNamespaces lan)
    {
        ArgumentNullException.ThrowIfNull(lan);
        var avahi = new PrivateAvahi();
        try
        {
            await File.WriteAllTextAsync(avahi._directory.Combine("bus.conf"), $"""
                <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
                <busconfig>
                  <type>system</type>
                  <listen>{avahi.BusAddress}</listen>
                  <auth>EXTERNAL</auth>
                  <policy context="default">
                    <allow user="*"/>
                    <allow own="*"/>
                    <allow send_destination="*"/>
                    <allow receive_sender="*"/>
                  </policy>
                </busconfig>
                """);
            await File.WriteAllTextAsync(avahi._directory.Combine("avahi.conf"), $"""
                [server]
                use-ipv4=yes
                use-ipv6=no
                allow-interfaces={lan.ClientInterface}
                enable-dbus=yes
                [wide-area]
                enable-wide-area=no
                [publish]
                disable-publishing=yes
                """);
            var bus = lan.StartInClient("dbus-daemon", "dbus-daemon", [$"--config-file={avahi._directory.Combine("bus.conf")}", "--nofork", "--nopidfile"]);
            avahi._processes.Add(bus);
            await Eventually.WaitAsync(() => File.Exists(avahi._directory.Combine("bus.sock")), $"dbus-daemon to listen\n{bus.Output}");
            var script = $"mount -t tmpfs tmpfs /run && mkdir -p /run/avahi-daemon && exec avahi-daemon --no-drop-root --no-chroot --no-rlimits --no-proc-title -f {avahi._directory.Combine("avahi.conf")}";
            var daemon = lan.StartInClient("avahi-daemon", "unshare", ["-m", "--propagation", "private", "sh", "-c", script], avahi.Environment);
            avahi._processes.Add(daemon);
            await daemon.WaitForOutputAsync("Server startup complete");
            return avahi;
        }
        catch
        {
            await avahi.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        foreach (var process in Enumerable.Reverse(_processes))
            process.Dispose();
        _directory.Dispose();
        return ValueTask.CompletedTask;
    }
}
