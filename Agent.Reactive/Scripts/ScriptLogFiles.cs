namespace Agent.Reactive.Scripts;

/// <summary>Where scripts log: the log directory and the file names of the old startup and shutdown scripts in it.</summary>
public sealed record ScriptLogFiles(string LogDirectory, string StartupLogFile, string ShutdownLogFile);
