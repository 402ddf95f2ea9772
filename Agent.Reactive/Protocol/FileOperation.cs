namespace Agent.Reactive.Protocol;

/// <summary>One file operation of an SFTP or scp session.</summary>
/// <param name="At">When it was asked for.</param>
/// <param name="Operation">
/// <c>open-read</c>, <c>open-write</c> (a file handle, its bytes counted until it is closed), <c>remove</c>,
/// <c>rename</c>, <c>mkdir</c>, <c>rmdir</c>, <c>setstat</c>, <c>symlink</c>, <c>scp-upload</c>, <c>scp-download</c>.
/// </param>
/// <param name="Path">The path the client named.</param>
/// <param name="Target">The new name of a rename, the target of a symlink; otherwise <c>null</c>.</param>
/// <param name="BytesRead">Bytes the client read through the handle (at its close).</param>
/// <param name="BytesWritten">Bytes the client wrote through the handle (at its close).</param>
/// <param name="Failed">Whether the server refused it (the status the client got was not OK).</param>
public sealed record FileOperation(
    DateTimeOffset At,
    string Operation,
    string Path,
    string? Target = null,
    long BytesRead = 0,
    long BytesWritten = 0,
    bool Failed = false);
