namespace Agent.Runtime.Ssh.Keys;

/// <summary>A host key file that cannot be served: the message names the file and says why. The file is left as it was.</summary>
public sealed class HostKeyFileException : Exception
{
    public HostKeyFileException(string path, string reason, Exception? inner = null)
        : this("the SSH host key file", path, reason, inner)
    {
    }

    private HostKeyFileException(string what, string path, string reason, Exception? inner)
        : base($"{what} {path} {reason}", inner)
    {
        Path = path;
        Reason = reason;
        UnsupportedType = inner is NotSupportedException;
    }

    /// <summary>The key file (or the key directory).</summary>
    public string Path { get; }

    /// <summary>Why it cannot be served.</summary>
    public string Reason { get; }

    /// <summary>
    /// The file is a sound key of a type the agent deliberately does not serve (DSA, security keys): sshd would serve
    /// it, so <c>--host-key</c> skips it with a warning instead of failing.
    /// </summary>
    public bool UnsupportedType { get; }

    /// <summary>The host key directory cannot hold keys safely.</summary>
    public static HostKeyFileException ForDirectory(string path, string reason) => new("the SSH host key directory", path, reason, null);
}
