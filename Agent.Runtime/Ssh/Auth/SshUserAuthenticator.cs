using Agent.Runtime.Ssh.Keys;
using Agent.Runtime.Ssh.Transport;
using Agent.Runtime.Ssh.Wire;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Ssh.Auth;

/// <summary>
/// The server side of ssh-userauth (RFC 4252): answers the service request, then authentication requests until
/// one succeeds. <c>none</c> fails listing <c>publickey</c> (or succeeds in trusted mode); <c>publickey</c>
/// without a signature answers PK_OK for an authorized key; with a signature it verifies the signature over
/// the session id and the request fields (section 7) and succeeds. Every other method fails. After
/// <see cref="MaxAttempts"/> failures, or more than <see cref="MaxRequests"/> requests of any kind (public-key
/// queries included, which sshd does not count), the connection is dropped (NO_MORE_AUTH_METHODS_AVAILABLE). The
/// user name is read as sshd reads it (<c>user:style</c> is <c>user</c>; the signature covers the name as sent), checked
/// by the authorizer and recorded. The key authorizer gives the login's <see cref="LoginRestrictions"/>
/// (authorized_keys options, certificate), which the result carries to the connection. On success the transport hears
/// of it (<see cref="ISshConnectionTransport.CompleteAuthentication"/>) before the client does.
/// </summary>
internal sealed class SshUserAuthenticator
{
    /// <summary>Requests of any kind per connection by default: OpenSSH with six agent keys needs about ten.</summary>
    public const int DefaultMaxRequests = 20;

    private const string ConnectionService = "ssh-connection";
    private const string UserAuthService = "ssh-userauth";
    private const string PublicKeyMethod = "publickey";
    private const int MaxUserNameLength = 256;

    private readonly ISshConnectionTransport _transport;
    private readonly SshAuthenticationMode _mode;
    private readonly Func<SshKeyRequest, LoginRestrictions?>? _authorizeKey;
    private readonly SshSignatureVerifier? _verifySignature;
    private readonly Func<string, bool>? _authorizeUser;
    private readonly ILogger _logger;
    private int _failures;
    private int _requests;
    private bool _firstNone = true;

    public SshUserAuthenticator(
        ISshConnectionTransport transport,
        SshAuthenticationMode mode,
        Func<SshKeyRequest, LoginRestrictions?>? authorizeKey,
        SshSignatureVerifier? verifySignature,
        int maxAttempts,
        ILogger logger,
        Func<string, bool>? authorizeUser = null,
        int maxRequests = DefaultMaxRequests)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRequests, 1);
        if (mode == SshAuthenticationMode.PublicKey && (authorizeKey is null || verifySignature is null))
            throw new ArgumentException("Public-key authentication needs a key authorizer and a signature verifier.", nameof(mode));
        _transport = transport;
        _mode = mode;
        _authorizeKey = authorizeKey;
        _verifySignature = verifySignature;
        _authorizeUser = authorizeUser;
        MaxAttempts = maxAttempts;
        MaxRequests = maxRequests;
        _logger = logger;
    }

    public int MaxAttempts { get; }

    public int MaxRequests { get; }

    /// <summary>The data a publickey signature covers (RFC 4252 section 7).</summary>
    // RFC 4252 §7 signed data: string session identifier, byte 50 (SSH_MSG_USERAUTH_REQUEST), string user name,
    // string service name, string "publickey", boolean TRUE, string public key algorithm name, string public key blob
    public static byte[] SignedData(ReadOnlySpan<byte> sessionId, string user, string service, string algorithm, ReadOnlySpan<byte> publicKey)
        => new SshWriter(128 + publicKey.Length).WriteBinary(sessionId).Write(MessageNumber.UserauthRequest).WriteString(user)
            .WriteString(service).WriteString(PublicKeyMethod).WriteBoolean(true).WriteString(algorithm).WriteBinary(publicKey).ToArray();

    /// <summary>The authenticated login; <c>null</c> when the peer left first. Violations throw <see cref="SshProtocolException"/>.</summary>
    public async Task<SshLogin?> RunAsync(CancellationToken cancellationToken)
    {
        var serviceAccepted = false;
        while (true)
        {
            var message = await _transport.ReceiveAsync(cancellationToken);
            if (message is not { } payload)
                return null;
            if (payload.IsEmpty)
                throw new SshProtocolException("an empty message");
            switch ((MessageNumber)payload.Span[0])
            {
                case MessageNumber.ServiceRequest:
                    if (serviceAccepted)
                        throw new SshProtocolException("a second service request");
                    await AcceptServiceAsync(payload, cancellationToken);
                    serviceAccepted = true;
                    break;
                case MessageNumber.UserauthRequest:
                    // A transport that answered the service request itself leaves only the requests to us.
                    serviceAccepted = true;
                    if (await HandleRequestAsync(payload, cancellationToken) is { } user)
                        return user;
                    break;
                case MessageNumber.Ignore:
                case MessageNumber.Debug:
                case MessageNumber.ExtInfo:
                    break;
                default:
                    throw new SshProtocolException($"message {payload.Span[0]} before authentication");
            }
        }
    }

    // RFC 4253 §10 SSH_MSG_SERVICE_REQUEST: byte 5, string service name
    private static string ReadServiceName(ReadOnlyMemory<byte> payload)
    {
        var reader = new SshReader(payload.Span);
        reader.ReadMessageNumber();
        var name = reader.ReadString();
        reader.EnsureEnd("the service request");
        return name;
    }

    private async ValueTask AcceptServiceAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var name = ReadServiceName(payload);
        if (name != UserAuthService)
            throw new SshProtocolException(DisconnectReason.ServiceNotAvailable, $"service {name} is not available");

        // RFC 4253 §10 SSH_MSG_SERVICE_ACCEPT: byte 6, string service name
        await _transport.SendAsync(new SshWriter(32).Write(MessageNumber.ServiceAccept).WriteString(UserAuthService).ToArray(), cancellationToken);
    }

    // Returns the login on success.
    private async ValueTask<SshLogin?> HandleRequestAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (++_requests > MaxRequests)
        {
            _logger.AuthenticationRequestsExceeded(_transport.RemoteEndPoint, MaxRequests);
            throw new SshProtocolException(DisconnectReason.NoMoreAuthMethodsAvailable, $"more than {MaxRequests} authentication requests");
        }

        var request = UserAuthRequest.Parse(payload);
        if (request.Service != ConnectionService)
            throw new SshProtocolException(DisconnectReason.ServiceNotAvailable, $"service {request.Service} is not available");
        if (request.WireUser.Length > MaxUserNameLength)
            throw new SshProtocolException(DisconnectReason.IllegalUserName, "the user name is too long");

        if (_mode == SshAuthenticationMode.Trusted)
        {
            _logger.TrustedAccepted(request.User, _transport.RemoteEndPoint, request.Method);
            return await SucceedAsync(request, LoginRestrictions.None, cancellationToken);
        }

        switch (request.Method)
        {
            case "none":
                // Clients start with "none" to learn the methods; only a repeated one counts as a failure.
                return await FailAsync(request, counts: !_firstNone, "no credentials", cancellationToken);
            case PublicKeyMethod:
                return await HandlePublicKeyAsync(request, cancellationToken);
            default:
                return await FailAsync(request, counts: true, "method not supported", cancellationToken);
        }
    }

    private async ValueTask<SshLogin?> HandlePublicKeyAsync(UserAuthRequest request, CancellationToken cancellationToken)
    {
        var key = request.PublicKey!.Value;
        if (_authorizeUser is not null && !_authorizeUser(request.User))
            return await FailAsync(request, counts: true, "unknown user", cancellationToken);
        if (_authorizeKey!(new SshKeyRequest(request.User, key.Algorithm, key.Blob, _transport.RemoteEndPoint, key.Signature is not null)) is not { } restrictions)
            return await FailAsync(request, counts: true, $"key ({key.Algorithm}) not authorized", cancellationToken);
        if (key.Signature is not { } signature)
        {
            // RFC 4252 §7 SSH_MSG_USERAUTH_PK_OK: byte 60, string public key algorithm name from the request, string public key blob from the request
            await SendAsync(new SshWriter(64 + key.Blob.Length).Write(MessageNumber.UserauthPkOk).WriteString(key.Algorithm).WriteBinary(key.Blob.Span), cancellationToken);
            return null;
        }

        var signed = SignedData(_transport.SessionId.Span, request.WireUser, request.Service, key.Algorithm, key.Blob.Span);
        if (!_verifySignature!(key.Blob, key.Algorithm, signed, signature))
            return await FailAsync(request, counts: true, $"bad signature ({key.Algorithm})", cancellationToken);

        _logger.KeyAccepted(request.User, _transport.RemoteEndPoint, key.Algorithm);
        return await SucceedAsync(request, restrictions, cancellationToken) with { KeyFingerprint = KeyFingerprint.Sha256(key.Blob.Span) };
    }

    // The transport learns first, so a listener frees the connection's unauthenticated slot before the client can
    // open its next connection.
    private async ValueTask<SshLogin> SucceedAsync(UserAuthRequest request, LoginRestrictions restrictions, CancellationToken cancellationToken)
    {
        _transport.CompleteAuthentication();

        // RFC 4252 §5.1 SSH_MSG_USERAUTH_SUCCESS: byte 52, nothing else
        await SendAsync(new SshWriter(1).Write(MessageNumber.UserauthSuccess), cancellationToken);
        return new SshLogin(request.User, restrictions);
    }

    private async ValueTask<SshLogin?> FailAsync(UserAuthRequest request, bool counts, string why, CancellationToken cancellationToken)
    {
        if (request.Method == "none")
            _firstNone = false;
        if (counts)
        {
            _failures++;
            _logger.AuthenticationFailed(request.User, _transport.RemoteEndPoint, request.Method, why, _failures, MaxAttempts);
            if (_failures >= MaxAttempts)
                throw new SshProtocolException(DisconnectReason.NoMoreAuthMethodsAvailable, "too many authentication failures");
        }

        // RFC 4252 §5.1 SSH_MSG_USERAUTH_FAILURE: byte 51, name-list authentications that can continue, boolean partial success
        await SendAsync(new SshWriter(32).Write(MessageNumber.UserauthFailure).WriteNameList([PublicKeyMethod]).WriteBoolean(false), cancellationToken);
        return null;
    }

    private ValueTask SendAsync(SshWriter writer, CancellationToken cancellationToken) => _transport.SendAsync(writer.ToArray(), cancellationToken);
}
