namespace Agent.Runtime.Commands.Options;

/// <summary>
/// How every command gets its token: <c>--token-file</c>, else <c>--token</c>, else the environment's token, else the
/// environment's token file. A file's content is trimmed; it may be at most <see cref="MaxBytes"/> long. A file that
/// other users can read is used but gets a warning (Kubernetes and Docker mount secrets 0644 by default; refusing them
/// would break those setups). Errors never quote the token.
/// </summary>
public static class TokenFile
{
    /// <summary>A token file is a few hundred bytes at most; anything larger is not a token file.</summary>
    public const long MaxBytes = 4096;

    private const UnixFileMode GroupOrOtherRead = UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>
    /// The token from the first source that is set. Returns <c>false</c> with <paramref name="error"/> when both options
    /// are given or a file cannot be read or is empty; <paramref name="token"/> is empty when no source is set.
    /// <paramref name="warning"/> is set when the file used can be read by other users.
    /// </summary>
    public static bool TryResolve(
        string? fromOption, string? fileOption, string? fromEnvironment, string? fileFromEnvironment, out string token, out string error, out string? warning)
    {
        token = string.Empty;
        warning = null;
        error = string.Empty;
        if (!string.IsNullOrEmpty(fromOption) && !string.IsNullOrEmpty(fileOption))
        {
            error = "give either --token or --token-file, not both";
            return false;
        }

        if (!string.IsNullOrEmpty(fileOption))
            return TryRead(fileOption, out token, out error, out warning);
        token = (string.IsNullOrEmpty(fromOption) ? fromEnvironment : fromOption)?.Trim() ?? string.Empty;
        if (token.Length == 0 && !string.IsNullOrEmpty(fileFromEnvironment))
            return TryRead(fileFromEnvironment, out token, out error, out warning);
        return true;
    }

    /// <summary>Reads and trims the token in <paramref name="path"/>.</summary>
    public static bool TryRead(string path, out string token, out string error, out string? warning)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        token = string.Empty;
        warning = null;
        var full = Path.GetFullPath(path);
        try
        {
            using var file = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            if (file.Length > MaxBytes)
            {
                error = $"the token file {full} is larger than {MaxBytes} bytes; it is not a token file";
                return false;
            }

            if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(file.SafeFileHandle) & GroupOrOtherRead) != 0)
                warning = $"the token file {full} can be read by other users; make it private with: chmod 600 {full}";
            using var reader = new StreamReader(file);
            token = reader.ReadToEnd().Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"cannot read the token file {full}: {e.Message}";
            return false;
        }

        error = token.Length == 0 ? $"the token file {full} is empty" : string.Empty;
        return token.Length > 0;
    }
}
