using System.Collections;
using System.ComponentModel;
using Agent.Runtime.Os.Interop;

namespace Agent.Runtime.Os.Processes;

/// <summary>
/// A program a client command runs in its place, as a shell would: looked up in <c>PATH</c>, on the command's own
/// standard streams and in its process group (a terminal's ^C reaches both), with this process's environment,
/// signals back to their defaults, nothing blocked and descriptors 0–2 only (<see cref="SpawnBuilder"/>), reaped by
/// <see cref="ChildReaper"/>.
/// </summary>
internal sealed class ForegroundProcess
{
    private ForegroundProcess(int id, Task<int> waitStatus)
    {
        Id = id;
        Exited = DecodeAsync(waitStatus);
    }

    public int Id { get; }

    /// <summary>Completes with the exit code (128 + signal for a signal death) once the child is reaped.</summary>
    public Task<int> Exited { get; }

    /// <summary>Starts <paramref name="arguments"/>[0] with <paramref name="arguments"/> as its argv.</summary>
    /// <exception cref="Win32Exception">The program cannot be started (not found, not executable).</exception>
    public static ForegroundProcess Start(IReadOnlyList<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        if (arguments.Count == 0)
            throw new ArgumentException("the program to run is missing", nameof(arguments));
        var child = new SpawnBuilder(arguments[0], arguments, CurrentEnvironment()).SearchPath().Start();
        return new ForegroundProcess(child.Id, child.WaitStatus);
    }

    /// <summary>Sends <paramref name="signal"/> to the child; false when it is gone.</summary>
    public bool Signal(int signal) => !Exited.IsCompleted && LibC.Kill(Id, signal) == 0;

    private static async Task<int> DecodeAsync(Task<int> waitStatus) => LibC.DecodeWaitStatus(await waitStatus.ConfigureAwait(false));

    private static List<string> CurrentEnvironment()
    {
        var result = new List<string>();
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            var name = (string)entry.Key;
            var value = (string?)entry.Value ?? string.Empty;
            if (name.Length > 0 && !name.Contains('=', StringComparison.Ordinal) && !name.Contains('\0', StringComparison.Ordinal) && !value.Contains('\0', StringComparison.Ordinal))
                result.Add(name + "=" + value);
        }

        return result;
    }
}
