using System.Collections.Frozen;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// Tokens this repository has published (its example workspace, its README's example output): anyone can read
/// them, so a workspace that uses one is refused. Agent tokens compare as UUIDs, whatever their spelling.
/// </summary>
internal static class PublishedTokens
{
    private static readonly FrozenSet<string> Tokens = new[]
    {
        // examples/demo-workspace.json until issue 9 ("Safe by default").
        "demo-user-token-5b0f3c1e",
        "7c9e6679-7425-40de-944b-e07fc1f90ae7",

        // The example output of agent dev in README.md.
        "FvQfx-rfmvIPII5Ot4p1_L8BDwXN-q1zSE2ZodjKBcU",
        "17e4595d6b8c3dc7e6d1d56b652fcaa5",
    }.Select(Normalize).ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="token"/> (a user or an agent token) is one of the published ones.</summary>
    public static bool Contains(string token) => Tokens.Contains(Normalize(token));

    private static string Normalize(string token) => Guid.TryParse(token, out var uuid) ? uuid.ToString("D") : token.Trim();
}
