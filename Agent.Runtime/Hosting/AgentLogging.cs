using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;
using Serilog.Extensions.Logging;
using Serilog.Formatting.Compact;

namespace Agent.Runtime.Hosting;

/// <summary>
/// The one place Serilog is wired: stderr (human or JSON) plus a size-rotated file in the log directory.
/// Everything else logs through <see cref="Microsoft.Extensions.Logging.ILogger{T}"/>.
/// </summary>
public static class AgentLogging
{
    /// <summary>Bytes a log file may reach before it rotates.</summary>
    public const long FileSizeLimit = 5 * 1024 * 1024;

    /// <summary>Creates the logger factory of the process. <paramref name="logFile"/> may be null for stderr only.</summary>
    public static ILoggerFactory Create(LogFormat format, LogEventLevel minimumLevel, string? logFile)
    {
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(minimumLevel)
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting", LogEventLevel.Warning)
            .MinimumLevel.Override("System.Net.Http.HttpClient", LogEventLevel.Warning)
            .Enrich.FromLogContext();

        configuration = format == LogFormat.Json
            ? configuration.WriteTo.Console(new CompactJsonFormatter(), standardErrorFromLevel: LogEventLevel.Verbose)
            : configuration.WriteTo.Console(
                outputTemplate: "{Timestamp:HH:mm:ss.fff} {Level:u3} {SourceContext}: {Message:lj}{NewLine}{Exception}",
                standardErrorFromLevel: LogEventLevel.Verbose);

        var fileError = (string?)null;
        if (logFile is not null)
        {
            try
            {
                AgentHost.EnsurePrivateDirectory(Path.GetDirectoryName(Path.GetFullPath(logFile))!);
                configuration = configuration.WriteTo.File(
                    new CompactJsonFormatter(),
                    logFile,
                    fileSizeLimitBytes: FileSizeLimit,
                    rollOnFileSizeLimit: true,
                    retainedFileCountLimit: 2,
                    hooks: new PrivateLogFiles());
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                fileError = $"cannot write the log file {logFile}: {e.Message}; logging to stderr only";
            }
        }

        var serilog = configuration.CreateLogger();
        var factory = new SerilogLoggerFactory(serilog, dispose: true);
        if (fileError is not null)
            factory.CreateLogger("Agent.Runtime.Hosting").LogWarning("{Problem}", fileError);
        return factory;
    }
}
