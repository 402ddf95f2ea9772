using System.Security.Cryptography;
using System.Text;
using Agent.Runtime.Os.Interop;

namespace Agent.Runtime.Commands.Git;

/// <summary>
/// A private key in a new file under a random name (mode 0600 from its creation, <c>O_EXCL|O_NOFOLLOW</c>: nothing
/// planted at the path is opened), deleted on <see cref="Dispose"/>.
/// </summary>
internal sealed class TemporaryKeyFile : IDisposable
{
    private TemporaryKeyFile(string path) => Path = path;

    /// <summary>Where the key is.</summary>
    public string Path { get; }

    /// <summary>Writes <paramref name="privateKey"/> (with a final line break, which OpenSSH's format needs) in <paramref name="directory"/>.</summary>
    /// <exception cref="IOException">The file cannot be created or written.</exception>
    public static TemporaryKeyFile Write(string directory, string privateKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(privateKey);
        var path = System.IO.Path.Join(directory, "agent-gitssh-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)));
        var handle = PrivateFile.CreateNew(path);
        var file = new TemporaryKeyFile(path);
        try
        {
            using var stream = new FileStream(handle, FileAccess.Write);
            var text = privateKey.EndsWith('\n') ? privateKey : privateKey + "\n";
            stream.Write(Encoding.UTF8.GetBytes(text));
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
        finally
        {
            handle.Dispose();
        }
    }

    public void Dispose()
    {
        try
        {
            File.Delete(Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing better to do on the way out; the name is random and the file private.
        }
    }
}
