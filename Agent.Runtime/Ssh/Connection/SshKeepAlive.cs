using Agent.Runtime.Ssh.Channels;
using Agent.Runtime.Ssh.Transport;
using Agent.Runtime.Ssh.Wire;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Ssh.Connection;

/// <summary>
/// sshd's ClientAlive: a client silent for an interval gets a <c>keepalive@openssh.com</c> request (any answer, even a
/// failure, is a message and resets the count); after <c>countMax</c> silent intervals in a row the connection is dropped.
/// </summary>
internal static class SshKeepAlive
{
    // RFC 4254 §4 SSH_MSG_GLOBAL_REQUEST: byte 80, string "keepalive@openssh.com", boolean want reply (true).
    private static readonly byte[] Request = new SshWriter(32).Write(MessageNumber.GlobalRequest).WriteString("keepalive@openssh.com").WriteBoolean(true).ToArray();

    /// <summary>Runs until <paramref name="cancellationToken"/>, the connection's end, or the drop it makes.</summary>
    public static async Task RunAsync(
        ISshConnectionTransport transport,
        SshChannelMultiplexer connection,
        TimeSpan interval,
        int countMax,
        TimeProvider time,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        var unanswered = 0;
        try
        {
            while (true)
            {
                await Task.Delay(interval, time, cancellationToken).ConfigureAwait(false);
                if (time.GetElapsedTime(connection.LastReceived) < interval)
                {
                    unanswered = 0;
                    continue;
                }

                if (++unanswered > countMax)
                {
                    logger.KeepAliveTimedOut(transport.RemoteEndPoint, countMax);
                    await transport.DisconnectAsync(DisconnectReason.ConnectionLost, "keepalive timeout").ConfigureAwait(false);
                    return;
                }

                await transport.SendAsync(Request, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or SshProtocolException)
        {
            // The connection ended first.
        }
    }
}
