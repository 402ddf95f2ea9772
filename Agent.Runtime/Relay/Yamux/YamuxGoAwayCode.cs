namespace Agent.Runtime.Relay.Yamux;

/// <summary>The error code of a yamux go-away frame (carried in its length field).</summary>
public enum YamuxGoAwayCode
{
    /// <summary>A normal termination: no new streams, the existing ones finish.</summary>
    Normal = 0,

    /// <summary>The peer broke the protocol.</summary>
    ProtocolError = 1,

    /// <summary>An internal error ended the session.</summary>
    InternalError = 2,
}
