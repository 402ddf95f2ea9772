namespace Agent.Runtime.Ssh.Keys;

/// <summary>A host key file that cannot be served: the message names the file and says why. The file is left as it was.</summary>
public sealed class HostKeyFileException : Exception
{
    public HostKeyFileException(string path, string reason, Exception? inner = null)
        : base($"the SSH host key file {path} {reason}", inner)
    {
        Path = path;
        Reason = reason;
        UnsupportedType = inner is NotSupportedException;
    }

    /// <summary>The key file.</summary>
    public string Path { get; }

    /// <summary>Why it cannot be served.</summary>
    public string Reason { get; }

    /// <summary>
    /// The file is a sound key of a type the agent deliberately does not serve (DSA, security keys): sshd would serve
    /// it, so <c>--host-key</c> skips it with a warning instead of failing.
    /// </summary>
    public bool UnsupportedType { get; }
}
