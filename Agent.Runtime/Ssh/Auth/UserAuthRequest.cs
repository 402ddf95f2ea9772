using Agent.Runtime.Ssh.Wire;

namespace Agent.Runtime.Ssh.Auth;

/// <summary>A parsed SSH_MSG_USERAUTH_REQUEST (RFC 4252 section 5); the public-key fields for <c>publickey</c>.</summary>
/// <param name="WireUser">The user name as the client sent it (what a public-key signature covers).</param>
/// <param name="Service">The service to start after authentication (<c>ssh-connection</c>).</param>
/// <param name="Method">The authentication method (<c>none</c>, <c>publickey</c>, ...).</param>
/// <param name="PublicKey">The key, and the signature if any, of a <c>publickey</c> request.</param>
internal sealed record UserAuthRequest(string WireUser, string Service, string Method, UserAuthPublicKey? PublicKey)
{
    /// <summary>
    /// The login name: a BSD authentication style after a colon is dropped (<c>user:style</c> is <c>user</c>), as sshd
    /// reads it; the agent has no authentication styles.
    /// </summary>
    public string User => WireUser.IndexOf(':', StringComparison.Ordinal) is var colon and >= 0 ? WireUser[..colon] : WireUser;

    // RFC 4252 §5 SSH_MSG_USERAUTH_REQUEST: byte 50, string user name, string service name, string method name,
    // method-specific fields; §7 "publickey": boolean has signature, string public key algorithm name, string public key
    // blob, and with the boolean TRUE string signature
    public static UserAuthRequest Parse(ReadOnlyMemory<byte> payload)
    {
        var reader = new SshReader(payload.Span);
        reader.ReadMessageNumber();
        var user = reader.ReadString();
        var service = reader.ReadString();
        var method = reader.ReadString();
        if (method != "publickey")
            return new UserAuthRequest(user, service, method, null);
        var hasSignature = reader.ReadBoolean();
        var algorithm = reader.ReadString();
        var blob = reader.ReadBinary().ToArray();
        ReadOnlyMemory<byte>? signature = null;
        if (hasSignature)
            signature = reader.ReadBinary().ToArray();
        reader.EnsureEnd("the publickey request");
        return new UserAuthRequest(user, service, method, new UserAuthPublicKey(algorithm, blob, signature));
    }
}
