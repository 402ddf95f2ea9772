namespace Agent.Runtime.Sshd.Audit;

/// <summary>
/// Which <c>exec</c> commands are file transfers for <c>--block-file-transfer</c>: Coder's list (<c>nc</c>, <c>rsync</c>,
/// <c>scp</c>, <c>sftp</c>) with <c>sftp-server</c>, and <c>tar</c> when its archive is stdin or stdout (no <c>-f</c>, or
/// <c>-f -</c>), judged by the first word (its file name, after <c>VAR=value</c> assignments and <c>exec</c>/<c>env</c>/
/// <c>sudo</c>) of each command of a <c>;</c>, <c>&amp;&amp;</c>, <c>||</c> or <c>|</c> list. A command that hides the
/// program (a script, <c>sh -c "$(...)"</c>) is not recognised: the block stops the usual tools, not a determined user.
/// </summary>
public static class FileTransferCommands
{
    /// <summary>What a refused transfer writes on stderr.</summary>
    public const string RefusalMessage = "agent: file transfer is disabled on this workspace (--block-file-transfer)";

    private static readonly HashSet<string> Programs = new(StringComparer.Ordinal) { "scp", "rsync", "sftp", "sftp-server", "nc", "ncat", "netcat" };
    private static readonly HashSet<string> Prefixes = new(StringComparer.Ordinal) { "exec", "env", "sudo", "command", "nohup" };
    private static readonly char[] Separators = [';', '&', '|', '\n', '(', ')'];

    /// <summary>Whether <paramref name="command"/> runs a file transfer program.</summary>
    public static bool IsFileTransfer(string command)
    {
        ArgumentNullException.ThrowIfNull(command);
        foreach (var part in command.Split(Separators, StringSplitOptions.RemoveEmptyEntries))
        {
            var words = part.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(Unquote).ToList();
            var first = 0;
            while (first < words.Count && (words[first].Contains('=', StringComparison.Ordinal) || Prefixes.Contains(words[first])))
                first++;
            if (first == words.Count)
                continue;
            var program = Path.GetFileName(words[first]);
            if (Programs.Contains(program) || (program == "tar" && ArchiveIsStdio(words.Skip(first + 1).ToList())))
                return true;
        }

        return false;
    }

    private static string Unquote(string word) => word.Trim('"', '\'');

    // GNU tar creating or extracting reads or writes stdio without -f (and no TAPE), or with "-f -", "cf -", "--file=-", "--file -".
    private static bool ArchiveIsStdio(List<string> arguments)
    {
        var copies = false;
        for (var i = 0; i < arguments.Count; i++)
        {
            var argument = arguments[i];
            if (argument.StartsWith("--file=", StringComparison.Ordinal))
                return argument == "--file=-";
            var cluster = (argument.StartsWith('-') && !argument.StartsWith("--", StringComparison.Ordinal)) || (i == 0 && !argument.StartsWith('-'));
            if (argument == "--file" || (cluster && argument.EndsWith('f')))
                return i + 1 >= arguments.Count || arguments[i + 1] == "-";
            copies |= argument is "--create" or "--extract" or "--get" || (cluster && argument.IndexOfAny(['c', 'x']) >= 0);
        }

        return copies;
    }
}
