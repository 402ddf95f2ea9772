using System.Runtime.CompilerServices;
using System.Text;
using Agent.Reactive.Audit;
using Agent.Reactive.Effects;
using Agent.Reactive.Protocol;
using Agent.Reactive.Statistics;
using Agent.Runtime.Ssh.Channels;
using Agent.Runtime.Ssh.Wire;
using Agent.Runtime.Sshd.Audit;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Sshd.Session;

/// <summary>
/// The connection reports and blocks of <c>session</c> channels: a session is reported when its shell, command or
/// subsystem starts and when it ends (exit status or signal, or that the client left first); a file transfer under
/// <see cref="SshBlocks.FileTransfer"/> is answered with a message on stderr and exit status 1 instead of running.
/// </summary>
internal static class SessionAudit
{
    /// <summary>Why a session ended when the client closed it (or the connection) before its process exited.</summary>
    public const string ClientLeft = "the client closed the session";

    /// <summary>Why a refused file transfer ended.</summary>
    public const string FileTransferBlocked = "file transfer blocked";

    private static readonly ConditionalWeakTable<SshChannel, AuditedConnection> Sessions = new();

    /// <summary>
    /// Reports the session open (when the server has an audit): <paramref name="kind"/> (<c>shell</c>, <c>exec</c>,
    /// <c>subsystem</c>) and its <paramref name="command"/>; an scp command is its file operation.
    /// </summary>
    public static AuditedConnection? Begin(SshSessionOptions options, SshChannel channel, IReadOnlyList<KeyValuePair<string, string>> clientEnvironment, string kind, string? command)
    {
        if (options.Audit is not { } audit)
            return null;
        var type = SessionLaunch.KindOf(clientEnvironment) switch
        {
            SessionKind.VsCode => ConnectionTypes.VsCode,
            SessionKind.JetBrains => ConnectionTypes.JetBrains,
            _ => ConnectionTypes.Ssh,
        };
        var connection = channel.Connection;
        var what = string.IsNullOrEmpty(command) ? kind : $"{kind} {command}";
        var opened = audit.Open(type, SshConnectionFacts.Address(connection.RemoteEndPoint), connection.UserName, SshConnectionFacts.Who(connection), what);
        Sessions.AddOrUpdate(channel, opened);
        if (command is not null && ScpCommand.Operation(command, DateTimeOffset.UtcNow) is { } copy)
            opened.Files.Add(copy);
        return opened;
    }

    /// <summary>The file operations of the session on <paramref name="channel"/> (for its SFTP server); <c>null</c> without an audit.</summary>
    public static FileOperationLog? FilesOf(SshChannel channel) => Sessions.TryGetValue(channel, out var opened) ? opened.Files : null;

    /// <summary>Reports the end once <paramref name="running"/> completes: the process's exit, or that the client left first.</summary>
    public static void Track(AuditedConnection? opened, Task running, Task<PtyExit>? exited, CancellationToken ended)
    {
        if (opened is null)
            return;
        var clientLeft = 0;
        ended.Register(() =>
        {
            if (exited is null || !exited.IsCompleted)
                Volatile.Write(ref clientLeft, 1);
        });
        _ = running.ContinueWith(
            _ =>
            {
                if (Volatile.Read(ref clientLeft) == 0 && exited is { IsCompletedSuccessfully: true, Result: var exit })
                    opened.Close(exit.Signal is null ? exit.ExitCode ?? 0 : 0, exit.Signal is { } signal ? SignalNames.ToName(signal) : null);
                else
                    opened.Close(reason: ClientLeft);
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>The subsystem handler that reports its exit status.</summary>
    public static SshSubsystemHandler Reporting(SshSubsystemHandler handler, AuditedConnection? opened)
        => opened is null ? handler : async (channel, input, output, cancellationToken) =>
        {
            var code = await handler(channel, input, output, cancellationToken);
            opened.Close(code);
            return code;
        };

    /// <summary>Whether the <paramref name="subsystem"/> or <paramref name="command"/> is a file transfer the server refuses.</summary>
    public static bool Blocks(SshSessionOptions options, string? subsystem, string? command)
        => options.Blocks.FileTransfer && (subsystem is not null || FileTransferCommands.IsFileTransfer(command ?? string.Empty));

    /// <summary>Answers a refused file transfer: the message on stderr, exit status 1, close; reported and logged.</summary>
    public static async Task RefuseAsync(SshChannel channel, AuditedConnection? opened, string what, ILogger logger, Task answered, CancellationToken ended)
    {
        logger.FileTransferRefused(what, channel.Connection.UserName, channel.Connection.RemoteEndPoint);
        opened?.Close(1, reason: FileTransferBlocked);
        try
        {
            await answered;
            await channel.WriteExtendedAsync(Encoding.UTF8.GetBytes(FileTransferCommands.RefusalMessage + "\r\n"), ended);
            await channel.SendRequestAsync("exit-status", new SshWriter(4).WriteUInt32(1).ToArray(), ended);
            await channel.CloseAsync(ended);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The client left first: nothing to tell it.
        }
    }
}
