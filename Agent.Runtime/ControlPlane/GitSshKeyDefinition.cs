using System.Text.Json.Serialization;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// <c>git_ssh_key</c> of a workspace file: the workspace owner's key for git over SSH, served to the workspace's agents
/// at <c>GET me/gitsshkey</c> (what <c>agent gitssh</c> runs <c>ssh -i</c> with).
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record GitSshKeyDefinition
{
    /// <summary>The public key as an OpenSSH line (<c>ssh-ed25519 AAAA...</c>).</summary>
    [JsonPropertyName("public_key")]
    public string PublicKey { get; init; } = string.Empty;

    /// <summary>The private key in OpenSSH's PEM format (<c>-----BEGIN OPENSSH PRIVATE KEY-----</c>).</summary>
    [JsonPropertyName("private_key")]
    public string PrivateKey { get; init; } = string.Empty;
}
