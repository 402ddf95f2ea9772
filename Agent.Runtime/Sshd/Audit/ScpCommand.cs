using Agent.Reactive.Protocol;

namespace Agent.Runtime.Sshd.Audit;

/// <summary>
/// The legacy scp protocol (<c>scp -O</c>, or OpenSSH before 9.0) runs <c>scp -t PATH</c> (upload) or <c>scp -f PATH</c>
/// (download) as an exec command: recorded as one <c>scp-upload</c>/<c>scp-download</c> file operation with the path
/// the client named; the file names inside the stream and the bytes are not parsed. OpenSSH 9's scp uses SFTP,
/// whose operations are recorded one by one.
/// </summary>
public static class ScpCommand
{
    /// <summary>The file operation of an scp sink or source command; <c>null</c> for any other command.</summary>
    public static FileOperation? Operation(string command, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(command);
        var words = command.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (words.Length < 2 || Path.GetFileName(words[0]) != "scp")
            return null;
        string? operation = null;
        var path = new List<string>();
        foreach (var word in words.Skip(1))
        {
            if (word.StartsWith('-') && path.Count == 0)
            {
                if (word.Contains('t', StringComparison.Ordinal))
                    operation = "scp-upload";
                else if (word.Contains('f', StringComparison.Ordinal))
                    operation = "scp-download";
            }
            else if (word != "--")
            {
                path.Add(word);
            }
        }

        return operation is null ? null : new FileOperation(at, operation, string.Join(' ', path));
    }
}
