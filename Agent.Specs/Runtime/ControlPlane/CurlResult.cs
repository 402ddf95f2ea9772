using System.Text.Json;

namespace Agent.Specs.Runtime.ControlPlane;

/// <summary>What <c>curl</c> got: the status code and the body.</summary>
internal sealed record CurlResult(int Status, string Body)
{
    /// <summary>The <c>message</c> of a JSON error body.</summary>
    public string Message()
    {
        using var document = JsonDocument.Parse(Body);
        return document.RootElement.GetProperty("message").GetString() ?? string.Empty;
    }
}
