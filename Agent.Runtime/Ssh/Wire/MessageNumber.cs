namespace Agent.Runtime.Ssh.Wire;

/// <summary>SSH message numbers (RFC 4250 section 4.1, RFC 8308, RFC 4256 is not used).</summary>
public enum MessageNumber : byte
{
    Disconnect = 1,
    Ignore = 2,
    Unimplemented = 3,
    Debug = 4,
    ServiceRequest = 5,
    ServiceAccept = 6,
    ExtInfo = 7,
    KexInit = 20,
    NewKeys = 21,

    /// <summary>SSH_MSG_KEX_ECDH_INIT (30) / SSH_MSG_KEXDH_INIT: the client's ephemeral public key.</summary>
    KexEcdhInit = 30,

    /// <summary>SSH_MSG_KEX_ECDH_REPLY (31): host key, server ephemeral key, signature of the exchange hash.</summary>
    KexEcdhReply = 31,
    UserauthRequest = 50,
    UserauthFailure = 51,
    UserauthSuccess = 52,
    UserauthBanner = 53,

    /// <summary>SSH_MSG_USERAUTH_PK_OK (60): the server would accept this public key.</summary>
    UserauthPkOk = 60,
    GlobalRequest = 80,
    RequestSuccess = 81,
    RequestFailure = 82,
    ChannelOpen = 90,
    ChannelOpenConfirmation = 91,
    ChannelOpenFailure = 92,
    ChannelWindowAdjust = 93,
    ChannelData = 94,
    ChannelExtendedData = 95,
    ChannelEof = 96,
    ChannelClose = 97,
    ChannelRequest = 98,
    ChannelSuccess = 99,
    ChannelFailure = 100,
}
