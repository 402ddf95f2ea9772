namespace Agent.Runtime.Ssh.Keys;

/// <summary>A host key file that cannot be served: the message names the file and says why. The file is left as it was.</summary>
public sealed class HostKeyFileException : Exception
{
    public HostKeyFileException(string path, string reason, Exception? inner = null)
        : base($"the SSH host key file {path} {reason}", inner)
    {
        Path = path;
    }

    /// <summary>The key file.</summary>
    public string Path { get; }
}
