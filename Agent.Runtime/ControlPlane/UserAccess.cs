using Agent.Reactive.Protocol;
using Agent.Runtime.Http;
using Microsoft.AspNetCore.Http;

namespace Agent.Runtime.ControlPlane;

/// <summary>The user side's check: a user token of the workspace file, and an agent of that name.</summary>
internal static class UserAccess
{
    /// <summary>Whether the request carries a user token; answers 401 when not, and 503 when the users' connections are at their cap.</summary>
    public static async Task<bool> IsUserAsync(HttpContext context, ControlPlaneStore store)
    {
        var token = SessionTokens.Find(context.Request);
        if (token is not null && store.IsUserToken(token))
            return await ConnectionAdmission.AdmitUserAsync(context);

        await ApiResponses.WriteErrorAsync(
            context,
            StatusCodes.Status401Unauthorized,
            token is null ? "Authentication required." : "Invalid user token.",
            $"Send a user token of the workspace file in the {SessionTokenHeader.Name} header or the {SessionTokens.CookieOrQueryName} query parameter.");
        return false;
    }

    /// <summary>The agent named in the route, or <c>null</c> after answering 401 or 404.</summary>
    public static async Task<ControlPlaneAgent?> FindAgentAsync(HttpContext context, ControlPlaneStore store)
    {
        if (!await IsUserAsync(context, store))
            return null;

        var name = context.Request.RouteValues["name"] as string ?? string.Empty;
        var agent = store.FindByName(name);
        if (agent is null)
            await ApiResponses.WriteErrorAsync(context, StatusCodes.Status404NotFound, "Workspace agent not found.", $"no agent is called \"{name}\"");
        return agent;
    }
}
