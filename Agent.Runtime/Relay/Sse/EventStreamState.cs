namespace Agent.Runtime.Relay.Sse;

/// <summary>Where the monitor's own event stream from the control plane stands.</summary>
public enum EventStreamState
{
    /// <summary>A request is on its way; no answer yet.</summary>
    Connecting,

    /// <summary>The control plane answered and events flow; a snapshot of the agent comes first.</summary>
    Connected,

    /// <summary>The stream broke; a reconnection is scheduled.</summary>
    Lost,

    /// <summary>The control plane refused the stream for good (bad token, unknown agent); no retry.</summary>
    Failed,
}
