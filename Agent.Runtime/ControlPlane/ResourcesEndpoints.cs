using Agent.Reactive.Protocol;
using Agent.Runtime.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// The resource monitor's endpoints: the agent's <c>POST me/resources-monitoring</c> (a whole <see cref="ResourcesReport"/>,
/// at most <see cref="MaxBodyBytes"/> and <see cref="AgentResources.MaxResources"/> resources, else 413; a malformed one
/// 400) and the user's <c>GET {name}/resources</c>.
/// </summary>
internal static class ResourcesEndpoints
{
    public const long MaxBodyBytes = 64 << 10;
    public const int MaxResourceLength = 4096;

    public static async Task PostAsync(HttpContext context, ControlPlaneAgent agent)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = MaxBodyBytes;
        var report = await ApiResponses.ReadJsonAsync(context, AgentJsonContext.Default.ResourcesReport);
        if (report is null)
            return;
        if (report.Resources.Count > AgentResources.MaxResources)
        {
            await ApiResponses.WriteErrorAsync(context, StatusCodes.Status413PayloadTooLarge, $"At most {AgentResources.MaxResources} resources per report.");
            return;
        }

        if (report.Resources.FirstOrDefault(Invalid) is { } invalid)
        {
            await ApiResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "Invalid resource.", Describe(invalid));
            return;
        }

        agent.ReportResources(report);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    public static Task GetAsync(HttpContext context, ControlPlaneAgent agent)
        => ApiResponses.WriteJsonAsync(context, agent.Resources(), ControlPlaneJsonContext.Default.ResourcesResponse);

    private static bool Invalid(ResourceStatus status)
        => status.Resource.Length is 0 or > MaxResourceLength
            || status.Kind is not (ResourceStatus.MemoryKind or ResourceStatus.VolumeKind)
            || status.Used < 0 || status.Total < 0 || status.Threshold is < 0 or > 100
            || !Enum.IsDefined(status.State);

    private static string Describe(ResourceStatus status)
        => $"resource \"{(status.Resource.Length > 64 ? status.Resource[..64] + "..." : status.Resource)}\" needs a name of 1 to {MaxResourceLength} characters, kind memory or volume, non-negative bytes, a threshold from 0 to 100 and state ok or warning";
}
