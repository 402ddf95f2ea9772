namespace Agent.Runtime.Relay.Yamux;

/// <summary>The type field of a yamux frame header.</summary>
internal enum YamuxFrameType : byte
{
    Data = 0,
    WindowUpdate = 1,
    Ping = 2,
    GoAway = 3,
}
