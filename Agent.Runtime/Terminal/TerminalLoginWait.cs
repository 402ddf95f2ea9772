using System.Text;
using Agent.Reactive.Scripts;

namespace Agent.Runtime.Terminal;

/// <summary>
/// Holds a web terminal back while <c>start_blocks_login</c> scripts run: writes <see cref="LoginGate.WaitingLine"/>
/// into the connection, waits for the <see cref="LoginGate"/>, then the notice of a failed or timed-out script.
/// </summary>
internal static class TerminalLoginWait
{
    /// <summary>Returns at once when <paramref name="gate"/> is null or open; cancelling gives up (the client left).</summary>
    public static async Task WaitAsync(LoginGate? gate, Stream connection, CancellationToken cancellationToken)
    {
        if (gate is null || gate.Current.IsOpen)
            return;
        await connection.WriteAsync(Line(LoginGate.WaitingLine), cancellationToken).ConfigureAwait(false);
        await connection.FlushAsync(cancellationToken).ConfigureAwait(false);
        var opened = await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (opened.Notice is { } notice)
            await connection.WriteAsync(Line(notice), cancellationToken).ConfigureAwait(false);
    }

    private static byte[] Line(string text) => Encoding.UTF8.GetBytes(text + "\r\n");
}
