namespace Agent.Reactive.Protocol;

/// <summary>Names of the two script log streams.</summary>
public static class LogSources
{
    public const string Startup = "startup";
    public const string Shutdown = "shutdown";
}
