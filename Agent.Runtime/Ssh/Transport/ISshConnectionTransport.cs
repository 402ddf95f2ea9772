using System.Net;
using Agent.Runtime.Ssh.Wire;

namespace Agent.Runtime.Ssh.Transport;

/// <summary>
/// What the layers above the transport (authentication, channels) see once the first key exchange is done:
/// an ordered stream of message payloads each way. Transport messages (IGNORE, DEBUG, UNIMPLEMENTED, KEXINIT
/// and the rest of a re-key) never reach the caller; a re-key happens underneath without the caller noticing.
/// </summary>
public interface ISshConnectionTransport : IAsyncDisposable
{
    /// <summary>The exchange hash of the first key exchange (RFC 4253 section 7.2), signed in public-key authentication.</summary>
    ReadOnlyMemory<byte> SessionId { get; }

    /// <summary>The client's identification string, e.g. <c>SSH-2.0-OpenSSH_9.2p1 Debian-2</c>.</summary>
    string ClientVersion { get; }

    /// <summary>The client's address, when the connection has one (for <c>SSH_CLIENT</c>, <c>SSH_CONNECTION</c>, logs).</summary>
    EndPoint? RemoteEndPoint { get; }

    /// <summary>The address the client connected to.</summary>
    EndPoint? LocalEndPoint { get; }

    /// <summary>
    /// The next payload (starting with its message number), owned by the caller; <c>null</c> when the peer closed
    /// the connection or disconnected. A protocol violation throws <see cref="SshProtocolException"/> after the
    /// transport has sent SSH_MSG_DISCONNECT.
    /// </summary>
    ValueTask<ReadOnlyMemory<byte>?> ReceiveAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Hands a payload that <see cref="ReceiveAsync"/> returned back to the transport for a later packet: its owner
    /// (whoever it was passed on to) has read the last of it, and nothing may touch it afterwards. Exactly the memory
    /// received, at most once; a payload never handed back is simply collected.
    /// </summary>
    void Release(ReadOnlyMemory<byte> payload)
    {
    }

    /// <summary>Sends one payload. Safe from many threads; order is kept; waits while a re-key is in progress.</summary>
    ValueTask SendAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);

    /// <summary>
    /// Called once user authentication succeeded: ends the pre-authentication deadline and lets the transport start
    /// its own re-keys (OpenSSH clients refuse a server KEXINIT during authentication).
    /// </summary>
    void CompleteAuthentication();

    /// <summary>Sends SSH_MSG_DISCONNECT (best effort) and closes the connection.</summary>
    ValueTask DisconnectAsync(DisconnectReason reason, string description);
}
