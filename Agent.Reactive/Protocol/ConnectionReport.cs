namespace Agent.Reactive.Protocol;

/// <summary>
/// One connection opening or closing (Coder's <c>ReportConnection</c>, with who, what and file operations added). The
/// two reports of one connection share its <see cref="Id"/>.
/// </summary>
/// <param name="Id">The connection's id, the same in its connect and disconnect reports.</param>
/// <param name="Action"><see cref="ConnectionActions.Connect"/> or <see cref="ConnectionActions.Disconnect"/>.</param>
/// <param name="Type">What kind of connection (<see cref="ConnectionTypes"/>).</param>
/// <param name="Timestamp">When it opened or closed.</param>
/// <param name="Ip">The peer address (<c>ip:port</c>); empty when the connection came without one (the relay, a pipe).</param>
/// <param name="User">The SSH user name; empty when there is none.</param>
/// <param name="Who">The SSH key's SHA-256 fingerprint, or <c>token</c> when the control plane's relay authenticated the user.</param>
/// <param name="What">What was asked for: <c>shell</c>, <c>exec &lt;command&gt;</c>, <c>subsystem sftp</c>, <c>direct-tcpip host:port</c>, ...</param>
/// <param name="StatusCode">The exit status (a disconnect); 0 otherwise. Coder's field.</param>
/// <param name="Signal">The signal that ended the process, without <c>SIG</c>; <c>null</c> when none did.</param>
/// <param name="Reason">Why it ended when no process status tells it (the client left, a block); <c>null</c> otherwise.</param>
/// <param name="FileOperations">The file operations of an SFTP or scp session (a disconnect), at most 512 (Coder's cap).</param>
/// <param name="FileOperationsDropped">How many file operations were past that cap and not kept.</param>
public sealed record ConnectionReport(
    Guid Id,
    string Action,
    string Type,
    DateTimeOffset Timestamp,
    string Ip,
    string User,
    string Who,
    string What,
    int StatusCode = 0,
    string? Signal = null,
    string? Reason = null,
    IReadOnlyList<FileOperation>? FileOperations = null,
    int FileOperationsDropped = 0);
