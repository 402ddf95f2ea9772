using System.Text.Json.Serialization;

namespace Agent.Reactive.Protocol;

/// <summary>
/// The answer to <c>GET me/gitauth?url=...</c> (Coder's <c>agentsdk.GitAuthResponse</c>): what git's askpass prompts
/// are answered with. <see cref="Url"/> is where to sign in when there is no token yet (empty here: the embedded
/// control plane serves credentials from the workspace file).
/// </summary>
public sealed record GitAuthResponse(
    [property: JsonPropertyName("username")] string Username,
    [property: JsonPropertyName("password")] string Password,
    [property: JsonPropertyName("url")] string Url);
