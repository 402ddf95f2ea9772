namespace Agent.Runtime.Relay;

/// <summary>The agent's answer to a relayed stream's request (docs/relay-protocol.md).</summary>
public enum RelayStatus : byte
{
    /// <summary>Connected: from here on the stream carries the target's bytes.</summary>
    Connected = 0,

    /// <summary>The port is reserved or out of range.</summary>
    Refused = 1,

    /// <summary>Nothing answered on the forwarded port.</summary>
    Unreachable = 2,

    /// <summary>The service of that agent port is not running here.</summary>
    Unavailable = 3,

    /// <summary>The request was not understood (unknown version).</summary>
    BadRequest = 4,
}
