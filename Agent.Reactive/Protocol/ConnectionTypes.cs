namespace Agent.Reactive.Protocol;

/// <summary>The <see cref="ConnectionReport.Type"/> values: Coder's <c>Connection.Type</c> names, and ours for the rest.</summary>
public static class ConnectionTypes
{
    /// <summary>An SSH session (shell, exec, subsystem) of a plain SSH client.</summary>
    public const string Ssh = "ssh";

    /// <summary>An SSH session that VS Code's remote extension opened (Coder's magic session type).</summary>
    public const string VsCode = "vscode";

    /// <summary>An SSH session that a JetBrains Gateway opened.</summary>
    public const string JetBrains = "jetbrains";

    /// <summary>A web terminal (reconnecting PTY) attachment.</summary>
    public const string ReconnectingPty = "reconnecting_pty";

    /// <summary>A forwarded port or socket: <c>direct-tcpip</c>, <c>tcpip-forward</c>, their streamlocal forms.</summary>
    public const string PortForwarding = "port_forwarding";

    /// <summary>A stream through the control plane's relay (SSH, terminal, speed test, the HTTP API).</summary>
    public const string Relay = "relay";
}
