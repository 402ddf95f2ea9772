namespace Agent.Runtime.Ssh.Channels;

/// <summary>What a channel message is, for the ordering rules: no data after EOF, nothing after CLOSE.</summary>
internal enum SendKind
{
    Data,
    Eof,
    Other,
}
