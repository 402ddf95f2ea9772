using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Http;

/// <summary>
/// What both embedded HTTP servers (the control plane and the agent's API) start from: a slim builder that reads no
/// command line, logs through the owner's <see cref="ILoggerFactory"/> only, leaves signals to its owner
/// (<see cref="PassiveHostLifetime"/>) and waits at most <c>shutdownTimeout</c> for requests in flight.
/// </summary>
internal static class EmbeddedWebHost
{
    public static WebApplicationBuilder CreateBuilder(ILoggerFactory loggerFactory, TimeSpan shutdownTimeout)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton<IHostLifetime, PassiveHostLifetime>();
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = shutdownTimeout);
        return builder;
    }
}
