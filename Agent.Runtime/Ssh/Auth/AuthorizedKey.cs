using Agent.Runtime.Ssh.Keys;

namespace Agent.Runtime.Ssh.Auth;

/// <summary>One key of an authorized_keys file.</summary>
/// <param name="Key">The parsed key (its <see cref="SshPublicKey.Blob"/> is what userauth compares).</param>
/// <param name="Comment">The text after the key, or null.</param>
/// <param name="LineNumber">The 1-based line it came from.</param>
/// <param name="Options">The line's options (<see cref="AuthorizedKeyOptions.None"/> when it has none).</param>
public sealed record AuthorizedKey(SshPublicKey Key, string? Comment, int LineNumber, AuthorizedKeyOptions Options)
{
    /// <summary>Whether <paramref name="publicKeyBlob"/> is this key, byte for byte.</summary>
    public bool Matches(ReadOnlySpan<byte> publicKeyBlob) => Key.Blob.Span.SequenceEqual(publicKeyBlob);
}
