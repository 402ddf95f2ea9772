using Agent.Runtime.Ssh.Auth;
using Agent.Runtime.Ssh.Channels;
using Agent.Runtime.Ssh.Transport;
using Agent.Runtime.Ssh.Wire;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Ssh.Connection;

/// <summary>
/// Serves one SSH connection above its transport: ssh-userauth, then the connection protocol with the channel types
/// and global requests the options register, until the peer disconnects. A protocol violation ends that one
/// connection with a logged reason and a DISCONNECT. The caller owns (and disposes) the transport. Its timers (the
/// authentication timeout, the connection lifetime, keepalives) run on <see cref="SshConnectionOptions.TimeProvider"/>.
/// </summary>
public static class SshConnectionHandler
{
    /// <summary>Serves <paramref name="transport"/> until the peer leaves, a violation, the lifetime limit, or <paramref name="cancellationToken"/>.</summary>
    public static async Task RunAsync(ISshConnectionTransport transport, SshConnectionOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(options);
        var logger = options.LoggerFactory.CreateLogger(typeof(SshConnectionHandler).FullName!);
        var time = options.TimeProvider;
        using var maxLifetime = options.MaxConnectionLifetime is { } limit && limit > TimeSpan.Zero
            ? new CancellationTokenSource(limit, time)
            : new CancellationTokenSource();
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, maxLifetime.Token);
        var remote = transport.RemoteEndPoint;
        try
        {
            var login = await AuthenticateAsync(transport, options, logger, lifetime.Token);
            if (login is null)
            {
                logger.LeftBeforeAuthentication(remote);
                return;
            }

            var connection = new SshChannelMultiplexer(transport, login, options.ChannelTypes, options.GlobalRequests, options.Counters, options.ChannelLimits, time, logger);
            using var keepAlive = CancellationTokenSource.CreateLinkedTokenSource(lifetime.Token);
            var keeping = options.KeepAliveInterval is { } interval && interval > TimeSpan.Zero
                ? SshKeepAlive.RunAsync(transport, connection, interval, options.KeepAliveCountMax, time, logger, keepAlive.Token)
                : Task.CompletedTask;
            try
            {
                await connection.RunAsync(lifetime.Token);
            }
            finally
            {
                await keepAlive.CancelAsync();
                await keeping;
            }

            logger.ClientDisconnected(remote);
        }
        catch (SshProtocolException e)
        {
            logger.ConnectionFailed(remote, e.Message, e.Reason);
            await transport.DisconnectAsync(e.Reason, e.Message);
        }
        catch (OperationCanceledException) when (lifetime.IsCancellationRequested)
        {
            var why = cancellationToken.IsCancellationRequested ? "the server is shutting down" : "the maximum connection time was reached";
            logger.ConnectionClosed(remote, why);
            await transport.DisconnectAsync(DisconnectReason.ByApplication, why);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            logger.ConnectionLost(remote, e.Message);
        }
    }

    // ssh-userauth within the authentication timeout; null when the client left first.
    private static async Task<SshLogin?> AuthenticateAsync(ISshConnectionTransport transport, SshConnectionOptions options, ILogger logger, CancellationToken lifetime)
    {
        var authenticator = new SshUserAuthenticator(
            transport, options.AuthenticationMode, options.AuthorizeKey, options.VerifySignature, options.MaxAuthenticationAttempts, logger, options.AuthorizeUser, options.MaxAuthenticationRequests);
        using var timeout = new CancellationTokenSource(options.AuthenticationTimeout, options.TimeProvider);
        using var authentication = CancellationTokenSource.CreateLinkedTokenSource(lifetime, timeout.Token);
        try
        {
            return await authenticator.RunAsync(authentication.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !lifetime.IsCancellationRequested)
        {
            throw new SshProtocolException(DisconnectReason.ByApplication, "authentication took too long");
        }
    }
}
