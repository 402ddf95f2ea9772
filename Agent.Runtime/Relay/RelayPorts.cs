namespace Agent.Runtime.Relay;

/// <summary>The agent's ports on the relay, as Coder numbers them on its tailnet (reference §1.2).</summary>
public static class RelayPorts
{
    public const int Ssh = 1;

    public const int ReconnectingPty = 2;

    public const int Speedtest = 3;

    public const int HttpApi = 4;

    /// <summary>The lowest port forwarded to the workspace; 5–8 are reserved for the agent.</summary>
    public const int MinForwarded = 9;

    /// <summary>The protocol name a connection to <paramref name="port"/> is counted under in the stats.</summary>
    public static string ProtocolName(int port) => port switch
    {
        Ssh => "ssh",
        ReconnectingPty => "reconnecting_pty",
        Speedtest => "speedtest",
        HttpApi => "http_api",
        _ => "tcp",
    };
}
