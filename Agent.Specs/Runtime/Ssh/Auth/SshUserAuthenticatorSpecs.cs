using System.Security.Cryptography;
using System.Text;
using Agent.Runtime.Ssh.Auth;
using Agent.Runtime.Ssh.Wire;
using Agent.Specs.Fakes.Ssh;

namespace Agent.Specs.Runtime.Ssh.Auth;

public class SshUserAuthenticatorSpecs
{
    private static readonly byte[] AuthorizedKey = Encoding.ASCII.GetBytes("authorized-key-blob");
    private static readonly byte[] OtherKey = Encoding.ASCII.GetBytes("other-key-blob");

    [Fact]
    public async Task None_InPublicKeyMode_FailsListingPublicKey()
    {
        await using var harness = PublicKeyHarness();
        await StartAsync(harness.Client);
        harness.Client.Send(SshTestClient.UserAuthNone("alice"));
        Assert.Equal(["publickey"], ReadFailure(await harness.Client.NextAuthReplyAsync()));
    }

    [Fact]
    public async Task PublicKeyQuery_AuthorizedKey_AnswersPkOkWithTheKey()
    {
        await using var harness = PublicKeyHarness();
        await StartAsync(harness.Client);
        harness.Client.Send(PublicKeyRequest("alice", AuthorizedKey, signature: null));
        var reply = await harness.Client.NextAuthReplyAsync();
        var reader = new SshReader(reply);
        Assert.Equal(MessageNumber.UserauthPkOk, reader.ReadMessageNumber());
        Assert.Equal("ssh-ed25519", reader.ReadString());
        Assert.Equal(AuthorizedKey, reader.ReadBinary().ToArray());
    }

    [Fact]
    public async Task PublicKeySigned_SignatureOverTheRfcLayout_Succeeds()
    {
        await using var harness = PublicKeyHarness();
        await StartAsync(harness.Client);
        harness.Client.Send(PublicKeyRequest("alice", AuthorizedKey, ExpectedSignature(harness.Transport.SessionId.ToArray(), "alice", AuthorizedKey)));
        Assert.Equal((byte)MessageNumber.UserauthSuccess, (await harness.Client.NextAuthReplyAsync())[0]);
        Assert.Contains(harness.Logger.Entries, e => e.Message.Contains("alice", StringComparison.Ordinal) && e.Message.Contains("authenticated", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PublicKeySigned_WrongSignature_IsRefused()
    {
        await using var harness = PublicKeyHarness();
        await StartAsync(harness.Client);
        harness.Client.Send(PublicKeyRequest("alice", AuthorizedKey, ExpectedSignature(harness.Transport.SessionId.ToArray(), "mallory", AuthorizedKey)));
        Assert.Equal(["publickey"], ReadFailure(await harness.Client.NextAuthReplyAsync()));
        Assert.Contains(harness.Logger.Warnings, w => w.Contains("bad signature", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PublicKey_UnauthorizedKey_IsRefusedEvenWithAValidSignature()
    {
        await using var harness = PublicKeyHarness();
        await StartAsync(harness.Client);
        harness.Client.Send(PublicKeyRequest("alice", OtherKey, signature: null));
        Assert.Equal(["publickey"], ReadFailure(await harness.Client.NextAuthReplyAsync()));
        harness.Client.Send(PublicKeyRequest("alice", OtherKey, ExpectedSignature(harness.Transport.SessionId.ToArray(), "alice", OtherKey)));
        Assert.Equal(["publickey"], ReadFailure(await harness.Client.NextAuthReplyAsync()));
    }

    [Fact]
    public async Task UnknownMethod_Fails()
    {
        await using var harness = PublicKeyHarness();
        await StartAsync(harness.Client);
        harness.Client.Send(SshTestClient.Message(MessageNumber.UserauthRequest, w => w.WriteString("alice").WriteString("ssh-connection").WriteString("password").WriteBoolean(false).WriteString("secret")));
        Assert.Equal(["publickey"], ReadFailure(await harness.Client.NextAuthReplyAsync()));
        Assert.DoesNotContain(harness.Logger.Entries, e => e.Message.Contains("secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Failures_UpToTheBound_DisconnectWithNoMoreAuthMethods()
    {
        await using var harness = PublicKeyHarness(maxAttempts: 3);
        await StartAsync(harness.Client);
        harness.Client.Send(SshTestClient.UserAuthNone("alice"));
        Assert.Equal(["publickey"], ReadFailure(await harness.Client.NextAuthReplyAsync()));
        for (var i = 0; i < 2; i++)
        {
            harness.Client.Send(PublicKeyRequest("alice", OtherKey, signature: null));
            Assert.Equal(["publickey"], ReadFailure(await harness.Client.NextAuthReplyAsync()));
        }

        harness.Client.Send(PublicKeyRequest("alice", OtherKey, signature: null));
        await harness.Server.WaitAsync(SshTestClient.Deadline);
        Assert.Equal(DisconnectReason.NoMoreAuthMethodsAvailable, harness.Transport.DisconnectedWith);
    }

    [Fact]
    public async Task PublicKeyQueries_BeyondTheRequestBudget_DisconnectWithNoMoreAuthMethods()
    {
        await using var harness = PublicKeyHarness();
        await StartAsync(harness.Client);
        for (var i = 0; i < SshUserAuthenticator.DefaultMaxRequests; i++)
        {
            harness.Client.Send(PublicKeyRequest("alice", AuthorizedKey, signature: null));
            Assert.Equal((byte)MessageNumber.UserauthPkOk, (await harness.Client.NextAuthReplyAsync())[0]);
        }

        harness.Client.Send(PublicKeyRequest("alice", AuthorizedKey, signature: null));

        await harness.Server.WaitAsync(SshTestClient.Deadline);
        Assert.Equal(DisconnectReason.NoMoreAuthMethodsAvailable, harness.Transport.DisconnectedWith);
        Assert.Contains(harness.Logger.Warnings, w => w.Contains($"more than {SshUserAuthenticator.DefaultMaxRequests} authentication requests", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Success_TheTransportHearsBeforeTheClient()
    {
        await using var harness = PublicKeyHarness();
        await StartAsync(harness.Client);
        harness.Client.Send(PublicKeyRequest("alice", AuthorizedKey, ExpectedSignature(harness.Transport.SessionId.ToArray(), "alice", AuthorizedKey)));

        Assert.Equal((byte)MessageNumber.UserauthSuccess, (await harness.Client.NextAuthReplyAsync())[0]);
        Assert.Equal(1, harness.Transport.AuthenticationsCompleted);
    }

    [Fact]
    public async Task Trusted_None_Succeeds()
    {
        await using var harness = new SshServerHarness();
        await harness.Client.LoginTrustedAsync("anyone");
        Assert.Contains(harness.Logger.Entries, e => e.Message.Contains("anyone", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ServiceRequest_ForAnotherService_Disconnects()
    {
        await using var harness = new SshServerHarness();
        harness.Client.Send(SshTestClient.Message(MessageNumber.ServiceRequest, w => w.WriteString("ssh-connection")));
        await harness.Server.WaitAsync(SshTestClient.Deadline);
        Assert.Equal(DisconnectReason.ServiceNotAvailable, harness.Transport.DisconnectedWith);
    }

    [Fact]
    public async Task UserAuthRequest_ForAnotherService_Disconnects()
    {
        await using var harness = new SshServerHarness();
        await StartAsync(harness.Client);
        harness.Client.Send(SshTestClient.Message(MessageNumber.UserauthRequest, w => w.WriteString("alice").WriteString("ssh-foo").WriteString("none")));
        await harness.Server.WaitAsync(SshTestClient.Deadline);
        Assert.Equal(DisconnectReason.ServiceNotAvailable, harness.Transport.DisconnectedWith);
    }

    [Fact]
    public async Task ChannelOpen_BeforeAuthentication_IsAProtocolError()
    {
        await using var harness = PublicKeyHarness();
        await StartAsync(harness.Client);
        harness.Client.Send(SshTestClient.Message(MessageNumber.ChannelOpen, w => w.WriteString("session").WriteUInt32(0).WriteUInt32(1000).WriteUInt32(1000)));
        await harness.Server.WaitAsync(SshTestClient.Deadline);
        Assert.Equal(DisconnectReason.ProtocolError, harness.Transport.DisconnectedWith);
    }

    private static SshServerHarness PublicKeyHarness(int maxAttempts = 6)
        => new(options => options with
        {
            AuthenticationMode = SshAuthenticationMode.PublicKey,
            AuthorizeKey = request => request.Blob.Span.SequenceEqual(AuthorizedKey) ? LoginRestrictions.None : null,
            VerifySignature = (_, algorithm, data, signature) => algorithm == "ssh-ed25519" && signature.Span.SequenceEqual(SHA256.HashData(data.Span)),
            MaxAuthenticationAttempts = maxAttempts,
        });

    private static async Task StartAsync(SshTestClient client)
    {
        client.Send(SshTestClient.Message(MessageNumber.ServiceRequest, w => w.WriteString("ssh-userauth")));
        var reply = await client.NextAuthReplyAsync();
        var reader = new SshReader(reply);
        Assert.Equal(MessageNumber.ServiceAccept, reader.ReadMessageNumber());
        Assert.Equal("ssh-userauth", reader.ReadString());
    }

    private static byte[] PublicKeyRequest(string user, byte[] key, byte[]? signature)
        => SshTestClient.Message(MessageNumber.UserauthRequest, w =>
        {
            w.WriteString(user).WriteString("ssh-connection").WriteString("publickey").WriteBoolean(signature is not null).WriteString("ssh-ed25519").WriteBinary(key);
            if (signature is not null)
                w.WriteBinary(signature);
        });

    // RFC 4252 section 7, written out byte by byte: string session id, byte 50, string user, string service,
    // string "publickey", boolean TRUE, string algorithm, string key blob.
    private static byte[] ExpectedSignature(byte[] sessionId, string user, byte[] key)
    {
        var data = new List<byte>();
        void String(byte[] bytes)
        {
            data.AddRange([(byte)(bytes.Length >> 24), (byte)(bytes.Length >> 16), (byte)(bytes.Length >> 8), (byte)bytes.Length]);
            data.AddRange(bytes);
        }

        String(sessionId);
        data.Add(50);
        String(Encoding.UTF8.GetBytes(user));
        String(Encoding.ASCII.GetBytes("ssh-connection"));
        String(Encoding.ASCII.GetBytes("publickey"));
        data.Add(1);
        String(Encoding.ASCII.GetBytes("ssh-ed25519"));
        String(key);
        return SHA256.HashData(data.ToArray());
    }

    private static string[] ReadFailure(byte[] reply)
    {
        var reader = new SshReader(reply);
        Assert.Equal(MessageNumber.UserauthFailure, reader.ReadMessageNumber());
        var methods = reader.ReadNameList();
        Assert.False(reader.ReadBoolean());
        return methods;
    }
}
