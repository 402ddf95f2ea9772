using System.Text;
using Agent.Reactive.Scripts;
using Agent.Runtime.Ssh.Channels;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Sshd.Session;

/// <summary>
/// Holds a session's shell, command or subsystem back while <c>start_blocks_login</c> scripts run (the
/// <see cref="LoginGate"/>): the request is accepted at once (so the connection reads on), a terminal shows
/// <see cref="LoginGate.WaitingLine"/>, and the process starts once the gate opens; a notice of a failed or timed-out
/// script goes to a terminal, or to stderr of a command (never into a subsystem's stream). One per session.
/// </summary>
internal sealed class SessionLoginWait(LoginGate? gate, SshChannel channel, ILogger logger, CancellationToken ended)
{
    private int _waiting;

    /// <summary>
    /// Starts at once through <paramref name="start"/> when nothing blocks; otherwise accepts and starts later. A
    /// second start while one waits is refused.
    /// </summary>
    public ValueTask<bool> StartAsync(SshChannelRequest request, SessionOutput output, Func<bool> start)
    {
        if (Volatile.Read(ref _waiting) != 0)
            return ValueTask.FromResult(false);
        if (gate is null || gate.Current.IsOpen)
            return ValueTask.FromResult(start());
        if (Interlocked.Exchange(ref _waiting, 1) != 0)
            return ValueTask.FromResult(false);
        _ = StartLaterAsync(gate, request, output, start);
        return ValueTask.FromResult(true);
    }

    private static byte[] Line(string text) => Encoding.UTF8.GetBytes(text + "\r\n");

    private async Task StartLaterAsync(LoginGate closed, SshChannelRequest request, SessionOutput output, Func<bool> start)
    {
        try
        {
            await request.Answered.WaitAsync(ended);
            logger.SessionWaitsForScripts(request.Type);
            if (output == SessionOutput.Terminal)
                await channel.WriteAsync(Line(LoginGate.WaitingLine), ended);
            var opened = await closed.WaitAsync(ended);
            if (opened.Notice is { } notice && output == SessionOutput.Terminal)
                await channel.WriteAsync(Line(notice), ended);
            else if (opened.Notice is { } told && output == SessionOutput.Command)
                await channel.WriteExtendedAsync(Line(told), ended);
            if (!start())
            {
                await channel.WriteExtendedAsync(Line($"the session's {request.Type} could not start"), ended);
                await channel.CloseAsync(ended);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or IOException)
        {
            // The client left (or the agent stops) while the session waited: nothing to start.
        }
    }
}
