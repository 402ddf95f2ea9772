namespace Agent.Runtime.Speedtest;

/// <summary>
/// Which way the data flows, from the client's point of view (tailscale's <c>speedtest.Direction</c>: the numbers
/// are on the wire). The server does the reverse: a client's download is the server's upload.
/// </summary>
public enum SpeedtestDirection
{
    /// <summary>The client receives, the server sends.</summary>
    Download = 0,

    /// <summary>The client sends, the server receives.</summary>
    Upload = 1,
}
