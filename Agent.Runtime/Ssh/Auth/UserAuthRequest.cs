using Agent.Runtime.Ssh.Wire;

namespace Agent.Runtime.Ssh.Auth;

/// <summary>A parsed SSH_MSG_USERAUTH_REQUEST (RFC 4252 section 5); the public-key fields for <c>publickey</c>.</summary>
internal sealed record UserAuthRequest(string User, string Service, string Method, UserAuthPublicKey? PublicKey)
{
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
