using System.Security.Cryptography;
using System.Text;
using Agent.Reactive.Shell;
using Agent.Runtime.Os.Interop;

namespace Agent.Runtime.Hosting;

/// <summary>
/// How children run this agent again: <c>GIT_SSH_COMMAND</c> (shell words, git runs it with <c>sh -c</c>) and
/// <c>GIT_ASKPASS</c> (one executable, git runs it without a shell). The native binary (NativeAOT or the apphost) is
/// both. Under <c>dotnet agent.dll</c> the shell words are the quoted dotnet host and dll, and the executable is a
/// wrapper script, <c>&lt;data dir&gt;/git-askpass</c> (0700, replaced atomically on every start), that execs them.
/// </summary>
public static class AgentLauncher
{
    /// <summary>The wrapper script's name in the data directory.</summary>
    public const string AskPassScriptName = "git-askpass";

    /// <summary>
    /// The executable and the shell words. <paramref name="dataDirectory"/> holds the wrapper under <c>dotnet</c>;
    /// without one (or when it cannot be written; <paramref name="problem"/> says why), the apphost beside the dll
    /// stands in when it exists.
    /// </summary>
    public static (string Executable, string ShellCommand) Resolve(string? dataDirectory, out string? problem)
    {
        problem = null;
        var process = Environment.ProcessPath ?? "agent";
        if (!IsDotnetHost(process) || OperatingSystem.IsWindows())
            return (process, ShellWords.Quote(process));

        var dll = Path.Join(AppContext.BaseDirectory, typeof(AgentLauncher).Assembly.GetName().Name + ".dll");
        var shellCommand = ShellWords.Quote(process) + " " + ShellWords.Quote(dll);
        var appHost = Path.Join(AppContext.BaseDirectory, typeof(AgentLauncher).Assembly.GetName().Name);
        var fallback = File.Exists(appHost) ? appHost : process;
        if (dataDirectory is null)
            return (fallback, shellCommand);
        try
        {
            return (WriteWrapper(dataDirectory, shellCommand), shellCommand);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"cannot write the git askpass wrapper in {dataDirectory} ({e.Message}); GIT_ASKPASS is {fallback}";
            return (fallback, shellCommand);
        }
    }

    /// <summary>The argv prefix that runs this agent again without a shell: its executable, or the dotnet host and the dll.</summary>
    public static IReadOnlyList<string> Command()
    {
        var process = Environment.ProcessPath ?? "agent";
        return IsDotnetHost(process) ? [process, Path.Join(AppContext.BaseDirectory, typeof(AgentLauncher).Assembly.GetName().Name + ".dll")] : [process];
    }

    private static bool IsDotnetHost(string path)
        => Path.GetFileName(path) is "dotnet" or "dotnet.exe";

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static string WriteWrapper(string directory, string shellCommand)
    {
        var path = Path.Join(directory, AskPassScriptName);
        var temporary = path + "." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var script = $"#!/bin/sh\n# Written by the agent on every start: git's GIT_ASKPASS, which must be one executable.\nexec {shellCommand} \"$@\"\n";
        try
        {
            using (var handle = PrivateFile.CreateNew(temporary))
            {
                using var stream = new FileStream(handle, FileAccess.Write);
                stream.Write(Encoding.UTF8.GetBytes(script));
                stream.Flush();
                File.SetUnixFileMode(handle, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            File.Move(temporary, path, overwrite: true);
            return path;
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
