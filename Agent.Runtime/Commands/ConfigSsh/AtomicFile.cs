namespace Agent.Runtime.Commands.ConfigSsh;

/// <summary>
/// Replaces a file's content all at once: written to a temporary file in the same directory, flushed to disk, then
/// renamed over it, so a reader (or a crash) sees the old content or the new one, never half. A symbolic link is
/// followed (dotfile managers link ~/.ssh/config) and stays a link. An existing file keeps its mode unless
/// <c>exactMode</c> (secrets); the mode is set on the new file's descriptor before it is renamed into place.
/// </summary>
public static class AtomicFile
{
    public static async Task WriteAsync(string path, byte[] content, UnixFileMode modeWhenCreated, CancellationToken cancellationToken, bool exactMode = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(content);
        var target = Path.GetFullPath(path);
        if (new FileInfo(target).LinkTarget is not null && new FileInfo(target).ResolveLinkTarget(returnFinalTarget: true) is { } linked)
            target = linked.FullName;
        var posix = !OperatingSystem.IsWindows();
        var mode = posix && !exactMode && File.Exists(target) ? File.GetUnixFileMode(target) : modeWhenCreated;
        var directory = Path.GetDirectoryName(target)!;
        var temporary = Path.Join(directory, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
            if (posix)
                options.UnixCreateMode = mode;
            await using (var stream = new FileStream(temporary, options))
            {
                // The umask may have narrowed the mode at creation; set it exactly, on the descriptor.
                if (posix)
                    File.SetUnixFileMode(stream.SafeFileHandle, mode);
                await stream.WriteAsync(content, cancellationToken);
                await stream.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>Creates <paramref name="directory"/> (and parents) with <paramref name="mode"/> when missing.</summary>
    public static void EnsureDirectory(string directory, UnixFileMode mode)
    {
        if (Directory.Exists(directory))
            return;
        if (OperatingSystem.IsWindows())
            Directory.CreateDirectory(directory);
        else
            Directory.CreateDirectory(directory, mode);
    }
}
