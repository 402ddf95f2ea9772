using System.IO.Pipes;
using Agent.Runtime.Ssh.Auth;
using Agent.Runtime.Ssh.Connection;
using Agent.Runtime.Ssh.Keys;
using Agent.Runtime.Ssh.Transport;
using Agent.Runtime.Sshd.Server;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Specs.Runtime.Sshd.Server;

/// <summary>
/// One connection served on stdin/stdout (<c>agent ssh-server --inetd</c>), whose console streams block in
/// <c>read</c> and ignore cancellation: here an OS pipe read the same way. The peers are what OpenSSH's regress test
/// <c>multiplex</c> puts there (<c>echo "" | nc -U</c> through a forward: one empty line, then silence with its end
/// open), and a peer that says nothing at all.
/// </summary>
public sealed class SshServerInetdSpecs
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    // Nothing of the connection protocol runs: the peer never gets past the identification line.
    private static readonly SshConnectionOptions BeforeLogin = new()
    {
        AuthenticationMode = SshAuthenticationMode.PublicKey,
        LoggerFactory = NullLoggerFactory.Instance,
    };

    [Fact]
    public async Task ServeAsync_SilentPeerOnBlockingStdin_EndsAtTheLoginDeadline()
    {
        var served = await ServeAsync([], TimeSpan.FromMilliseconds(300), Stream.Null);

        Assert.False(served);
    }

    [Fact]
    public async Task ServeAsync_EmptyLineOnBlockingStdin_RefusedAtOnce()
    {
        using var stdout = new MemoryStream();

        var served = await ServeAsync("\n"u8.ToArray(), TimeSpan.FromMinutes(10), stdout);

        Assert.False(served);
        Assert.EndsWith("\r\nInvalid SSH identification string.\r\n", System.Text.Encoding.ASCII.GetString(stdout.ToArray()), StringComparison.Ordinal);
    }

    /// <summary>Serves one connection whose peer writes <paramref name="sent"/> and then stays silent with its end open.</summary>
    private static async Task<bool> ServeAsync(byte[] sent, TimeSpan loginTimeout, Stream stdout)
    {
        using var peer = new AnonymousPipeServerStream(PipeDirection.Out);
        using var stdin = new BlockingReadStream(new AnonymousPipeClientStream(PipeDirection.In, peer.ClientSafePipeHandle));
        var options = new SshServerOptions { HostKeys = [Ed25519HostKey.Generate()], PreAuthenticationTimeout = loginTimeout };
        await using var server = new SshServer(options, BeforeLogin, NullLoggerFactory.Instance);
        await using var stdio = new StdioStream(stdin, stdout);

        var serving = server.ServeAsync(stdio, local: null, remote: null, CancellationToken.None);
        try
        {
            peer.Write(sent);
            peer.Flush();

            return await serving.WaitAsync(Bound);
        }
        finally
        {
            // EOF for the read the served connection left blocked: disposing a .NET pipe stream waits for its pending
            // read to return, so the peer must close first or the spec hangs in its cleanup.
            peer.Dispose();
        }
    }

    // Like the stream of Console.OpenStandardInput(): a synchronous read(2) only; the base class runs it on the thread
    // pool for ReadAsync, and a cancellation after it started changes nothing.
    private sealed class BlockingReadStream(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
