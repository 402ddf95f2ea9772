using Agent.Runtime.Ssh.Wire;

namespace Agent.Runtime.Ssh.Channels;

/// <summary>The connection protocol's messages (RFC 4254), written and read.</summary>
internal static class ChannelMessages
{
    // RFC 4254 §4 SSH_MSG_GLOBAL_REQUEST: byte 80, string request name, boolean want reply, request-specific data
    public static (string Name, bool WantReply, ReadOnlyMemory<byte> Data) ReadGlobalRequest(ReadOnlyMemory<byte> payload)
    {
        var reader = new SshReader(payload.Span);
        reader.ReadMessageNumber();
        var name = reader.ReadString();
        var wantReply = reader.ReadBoolean();
        return (name, wantReply, payload[(payload.Length - reader.Remaining)..]);
    }

    // RFC 4254 §4 SSH_MSG_REQUEST_SUCCESS: byte 81, response-specific data; SSH_MSG_REQUEST_FAILURE: byte 82
    public static byte[] GlobalReply(SshGlobalRequestResult result)
    {
        var reply = new SshWriter(8 + result.ResponseData.Length).Write(result.Success ? MessageNumber.RequestSuccess : MessageNumber.RequestFailure);
        if (result.Success)
            reply.WriteRaw(result.ResponseData.Span);
        return reply.ToArray();
    }

    // RFC 4254 §5.1 SSH_MSG_CHANNEL_OPEN: byte 90, string channel type, uint32 sender channel, uint32 initial window
    // size, uint32 maximum packet size, channel type specific data
    public static byte[] Open(string type, uint sender, uint window, uint maxPacket, ReadOnlySpan<byte> data)
        => new SshWriter(32 + data.Length).Write(MessageNumber.ChannelOpen).WriteString(type).WriteUInt32(sender)
            .WriteUInt32(window).WriteUInt32(maxPacket).WriteRaw(data).ToArray();

    // RFC 4254 §5.1 SSH_MSG_CHANNEL_OPEN (read): as above
    public static (string Type, uint Sender, uint Window, uint MaxPacket, ReadOnlyMemory<byte> Data) ReadOpen(ReadOnlyMemory<byte> payload)
    {
        var reader = new SshReader(payload.Span);
        reader.ReadMessageNumber();
        var type = reader.ReadString();
        var sender = reader.ReadUInt32();
        var window = reader.ReadUInt32();
        var maxPacket = reader.ReadUInt32();
        return (type, sender, window, maxPacket, payload[(payload.Length - reader.Remaining)..]);
    }

    // RFC 4254 §5.1 SSH_MSG_CHANNEL_OPEN_CONFIRMATION: byte 91, uint32 recipient channel, uint32 sender channel,
    // uint32 initial window size, uint32 maximum packet size
    public static byte[] OpenConfirmation(uint recipient, uint sender, uint window, uint maxPacket)
        => new SshWriter(24).Write(MessageNumber.ChannelOpenConfirmation).WriteUInt32(recipient).WriteUInt32(sender)
            .WriteUInt32(window).WriteUInt32(maxPacket).ToArray();

    // RFC 4254 §5.1 SSH_MSG_CHANNEL_OPEN_FAILURE: byte 92, uint32 recipient channel, uint32 reason code, string
    // description (ISO-10646 UTF-8), string language tag
    public static byte[] OpenFailure(uint recipient, ChannelOpenFailureReason reason, string description)
        => new SshWriter(32 + description.Length).Write(MessageNumber.ChannelOpenFailure).WriteUInt32(recipient)
            .WriteUInt32((uint)reason).WriteString(description).WriteString(string.Empty).ToArray();

    // RFC 4254 §5.2 SSH_MSG_CHANNEL_WINDOW_ADJUST: byte 93, uint32 recipient channel, uint32 bytes to add
    public static (uint Recipient, uint Bytes) ReadWindowAdjust(ReadOnlySpan<byte> payload)
    {
        var reader = new SshReader(payload);
        reader.ReadMessageNumber();
        return (reader.ReadUInt32(), reader.ReadUInt32());
    }

    // RFC 4254 §5.2 SSH_MSG_CHANNEL_DATA: byte 94, uint32 recipient channel, string data;
    // SSH_MSG_CHANNEL_EXTENDED_DATA: byte 95, uint32 recipient channel, uint32 data_type_code, string data
    public static ReadOnlyMemory<byte> ReadData(ReadOnlyMemory<byte> payload, bool extended)
    {
        var reader = new SshReader(payload.Span);
        reader.ReadMessageNumber();
        reader.ReadUInt32();
        if (extended)
            reader.ReadUInt32();
        var length = reader.ReadBinary().Length;
        reader.EnsureEnd("channel data");
        return payload.Slice(payload.Length - length, length);
    }

    // The recipient channel of any message addressed to a channel, e.g. RFC 4254 §5.3 SSH_MSG_CHANNEL_EOF (byte 96)
    // and SSH_MSG_CHANNEL_CLOSE (byte 97): byte number, uint32 recipient channel
    public static uint Recipient(ReadOnlySpan<byte> payload)
    {
        var reader = new SshReader(payload);
        reader.ReadMessageNumber();
        return reader.ReadUInt32();
    }

    // RFC 4254 §5.4 SSH_MSG_CHANNEL_REQUEST: byte 98, uint32 recipient channel, string request type, boolean want
    // reply, type-specific data
    public static (uint Recipient, SshChannelRequest Request) ReadRequest(ReadOnlyMemory<byte> payload)
    {
        var reader = new SshReader(payload.Span);
        reader.ReadMessageNumber();
        var recipient = reader.ReadUInt32();
        var type = reader.ReadString();
        var wantReply = reader.ReadBoolean();
        return (recipient, new SshChannelRequest(type, wantReply, payload[(payload.Length - reader.Remaining)..]));
    }

    // RFC 4254 §5.4 SSH_MSG_CHANNEL_SUCCESS: byte 99, uint32 recipient channel; SSH_MSG_CHANNEL_FAILURE: byte 100, uint32 recipient channel
    public static byte[] RequestReply(bool success, uint recipient)
        => new SshWriter(8).Write(success ? MessageNumber.ChannelSuccess : MessageNumber.ChannelFailure).WriteUInt32(recipient).ToArray();
}
