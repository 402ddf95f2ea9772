using System.Text.Json.Serialization;

namespace Agent.Reactive.Protocol;

/// <summary>
/// The body of <c>POST /api/v2/workspaceagents/me/resources-monitoring</c>: every watched resource's current usage and
/// state. Each report is whole, so one that is lost costs nothing the next does not carry; the control plane derives the
/// <c>warning</c>/<c>ok</c> changes from it.
/// </summary>
public sealed record ResourcesReport
{
    [JsonPropertyName("collected_at")]
    public DateTimeOffset CollectedAt { get; init; }

    [JsonPropertyName("resources")]
    public IReadOnlyList<ResourceStatus> Resources { get; init => field = value is null ? [] : [.. value.Where(item => item is not null)]; } = [];
}
