using System.Net;

namespace Agent.Runtime.Ssh.Auth;

/// <summary>A public key (or certificate) a client offers to log in as <paramref name="User"/> from <paramref name="Remote"/>.</summary>
/// <param name="User">The login name.</param>
/// <param name="Algorithm">The userauth algorithm the client named.</param>
/// <param name="Blob">The public key or certificate blob.</param>
/// <param name="Remote">The client's address (<c>null</c> when unknown, e.g. inetd on a pipe).</param>
/// <param name="Signed">Whether the request carries a signature (a login), not only a query (PK_OK).</param>
public sealed record SshKeyRequest(string User, string Algorithm, ReadOnlyMemory<byte> Blob, EndPoint? Remote, bool Signed = true);
