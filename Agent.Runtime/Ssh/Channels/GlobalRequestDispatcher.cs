using Agent.Runtime.Ssh.Wire;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Ssh.Channels;

/// <summary>
/// Global requests of one connection by name through the registered <see cref="SshGlobalRequestHandler"/>s; anything
/// unregistered (<c>keepalive@openssh.com</c> included) or failing gets REQUEST_FAILURE when a reply is wanted.
/// </summary>
internal sealed class GlobalRequestDispatcher(IReadOnlyDictionary<string, SshGlobalRequestHandler> handlers, ILogger logger)
{
    public async ValueTask HandleAsync(SshChannelMultiplexer connection, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var (name, wantReply, data) = ChannelMessages.ReadGlobalRequest(payload);
        var result = SshGlobalRequestResult.Failed;
        if (handlers.TryGetValue(name, out var handler))
        {
            try
            {
                result = await handler(connection, data, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException and not SshProtocolException)
            {
                logger.GlobalRequestFailed(e, connection.Id, name);
            }
        }
        else
        {
            logger.GlobalRequestDeclined(connection.Id, name);
        }

        if (!wantReply)
            return;
        await connection.SendAsync(ChannelMessages.GlobalReply(result), cancellationToken);
    }
}
