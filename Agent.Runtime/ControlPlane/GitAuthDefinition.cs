using System.Text.Json.Serialization;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// One entry of <c>git_auth</c> in a workspace file: the credentials git's askpass prompts are answered with for the
/// remotes whose URL (without its user part) <see cref="Regex"/> matches; served at <c>GET me/gitauth?url=</c>.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record GitAuthDefinition
{
    /// <summary>A name for the provider (<c>github</c>), unique in the file; shown in errors.</summary>
    [JsonPropertyName("id")]
    public string Id { get; init; } = string.Empty;

    /// <summary>A .NET regular expression (without backtracking constructs) matched against the remote's URL.</summary>
    [JsonPropertyName("regex")]
    public string Regex { get; init; } = string.Empty;

    [JsonPropertyName("username")]
    public string Username { get; init; } = string.Empty;

    [JsonPropertyName("password")]
    public string Password { get; init; } = string.Empty;
}
