using System.Text.Json.Serialization;

namespace Agent.Reactive.Protocol;

/// <summary>
/// The answer to <c>GET me/gitsshkey</c> (Coder's <c>agentsdk.GitSSHKey</c>): the workspace owner's key for git over
/// SSH, the private half in OpenSSH's PEM format.
/// </summary>
public sealed record GitSshKey(
    [property: JsonPropertyName("public_key")] string PublicKey,
    [property: JsonPropertyName("private_key")] string PrivateKey);
