using Agent.Runtime.Ssh.Auth;
using Agent.Runtime.Ssh.Channels;
using Agent.Runtime.Ssh.Transport;
using Agent.Runtime.Ssh.Wire;
using Agent.Runtime.Sshd.Session;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Ssh.Connection;

/// <summary>
/// Serves one SSH connection above its transport: ssh-userauth, then the connection protocol with
/// <c>session</c> channels (and whatever channel types, global requests, session requests and subsystems the
/// options register), until the peer disconnects. A protocol violation ends that one connection with a
/// logged reason and a DISCONNECT. The caller owns (and disposes) the transport.
/// </summary>
public static class SshConnectionHandler
{
    /// <summary>The channel type of interactive sessions, built in.</summary>
    public const string SessionChannelType = SshChannelLimits.SessionType;

    /// <summary>Serves <paramref name="transport"/> until the peer leaves, a violation, the lifetime limit, or <paramref name="cancellationToken"/>.</summary>
    public static async Task RunAsync(ISshConnectionTransport transport, SshConnectionOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(options);
        var logger = options.LoggerFactory.CreateLogger(typeof(SshConnectionHandler).FullName!);
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (options.MaxConnectionLifetime is { } limit && limit > TimeSpan.Zero)
            lifetime.CancelAfter(limit);
        var remote = transport.RemoteEndPoint;
        try
        {
            var authenticator = new SshUserAuthenticator(
                transport, options.AuthenticationMode, options.AuthorizeKey, options.VerifySignature, options.MaxAuthenticationAttempts, logger, options.AuthorizeUser, options.MaxAuthenticationRequests);
            SshLogin? login;
            using (var authentication = CancellationTokenSource.CreateLinkedTokenSource(lifetime.Token))
            {
                authentication.CancelAfter(options.AuthenticationTimeout);
                try
                {
                    login = await authenticator.RunAsync(authentication.Token);
                }
                catch (OperationCanceledException) when (authentication.IsCancellationRequested && !lifetime.IsCancellationRequested)
                {
                    throw new SshProtocolException(DisconnectReason.ByApplication, "authentication took too long");
                }
            }

            if (login is null)
            {
                logger.LogDebug("SSH client {Remote} left before authenticating", remote);
                return;
            }

            var channelTypes = new Dictionary<string, SshChannelOpenHandler>(options.ChannelTypes, StringComparer.Ordinal)
            {
                [SessionChannelType] = (channel, data, _) => OpenSession(channel, data, options, logger),
            };
            var connection = new SshChannelMultiplexer(transport, login, channelTypes, options.GlobalRequests, options.Counters, options.ChannelLimits, logger);
            using var keepAlive = CancellationTokenSource.CreateLinkedTokenSource(lifetime.Token);
            var keeping = options.KeepAliveInterval is { } interval && interval > TimeSpan.Zero
                ? KeepAliveAsync(transport, connection, interval, options.KeepAliveCountMax, logger, keepAlive.Token)
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

            logger.LogDebug("SSH client {Remote} disconnected", remote);
        }
        catch (SshProtocolException e)
        {
            logger.LogWarning("SSH connection from {Remote} ended: {Reason} ({Code})", remote, e.Message, e.Reason);
            await transport.DisconnectAsync(e.Reason, e.Message);
        }
        catch (OperationCanceledException) when (lifetime.IsCancellationRequested)
        {
            var why = cancellationToken.IsCancellationRequested ? "the server is shutting down" : "the maximum connection time was reached";
            logger.LogInformation("SSH connection from {Remote} closed: {Why}", remote, why);
            await transport.DisconnectAsync(DisconnectReason.ByApplication, why);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            logger.LogDebug("SSH connection from {Remote} lost: {Reason}", remote, e.Message);
        }
    }

    // sshd's ClientAlive: a client silent for an interval gets a keepalive@openssh.com request (any answer, even a
    // failure, is a message); after countMax silent intervals in a row the connection is dropped.
    private static async Task KeepAliveAsync(
        ISshConnectionTransport transport,
        SshChannelMultiplexer connection,
        TimeSpan interval,
        int countMax,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        var request = new SshWriter(32).Write(MessageNumber.GlobalRequest).WriteString("keepalive@openssh.com").WriteBoolean(true).ToArray();
        using var timer = new PeriodicTimer(interval);
        var unanswered = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                if (Environment.TickCount64 - connection.LastReceived < interval.TotalMilliseconds)
                {
                    unanswered = 0;
                    continue;
                }

                if (++unanswered > countMax)
                {
                    logger.LogWarning("SSH connection from {Remote}: no answer to {Count} keepalives, disconnecting", transport.RemoteEndPoint, countMax);
                    await transport.DisconnectAsync(DisconnectReason.ConnectionLost, "keepalive timeout");
                    return;
                }

                await transport.SendAsync(request, cancellationToken);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or SshProtocolException)
        {
            // The connection ended first.
        }
    }

    private static ValueTask<SshChannelOpenResult> OpenSession(SshChannel channel, ReadOnlyMemory<byte> data, SshConnectionOptions options, ILogger logger)
    {
        if (!data.IsEmpty)
            throw new SshProtocolException("a session channel open with extra fields");
        return ValueTask.FromResult(SshChannelOpenResult.Accept(new SshSession(channel, options, logger)));
    }
}
