using Agent.Reactive.Audit;
using Agent.Reactive.Protocol;
using Agent.Reactive.Terminal;

namespace Agent.Runtime.Terminal;

/// <summary>
/// The connection reports of web-terminal attachments (<see cref="ConnectionTypes.ReconnectingPty"/>): who is
/// <c>token</c> (the control plane authenticated the user before relaying), what is the command or <c>shell</c>; the end
/// is the process's exit status, or why the attachment ended while the terminal lives on (<see cref="Detached"/>).
/// </summary>
internal static class TerminalAudit
{
    /// <summary>The client left; the terminal keeps running for a reconnect.</summary>
    public const string Detached = "detached";

    /// <summary>The client fell too far behind and was cut off.</summary>
    public const string TooSlow = "too slow";

    /// <summary>The process ended but its status did not come in time.</summary>
    public const string Ended = "process ended";

    public static AuditedConnection? Open(IConnectionAudit? audit, TerminalInit init)
        => audit?.Open(ConnectionTypes.ReconnectingPty, string.Empty, string.Empty, "token", init.Command.Length == 0 ? "shell" : init.Command);

    /// <summary>Reports the end: the exit status when <paramref name="processEnded"/> (waiting at most <paramref name="wait"/> for it), else the reason.</summary>
    public static async Task CloseAsync(AuditedConnection? audited, TerminalConnection client, bool processEnded, TimeSpan wait)
    {
        if (audited is null)
            return;
        if (!processEnded)
        {
            audited.Close(reason: client.Overflowed ? TooSlow : Detached);
            return;
        }

        var exited = client.ProcessExited;
        await Task.WhenAny(exited, Task.Delay(wait)).ConfigureAwait(false);
        if (exited.IsCompletedSuccessfully)
            audited.Close(exited.Result.Code);
        else
            audited.Close(reason: Ended);
    }
}
