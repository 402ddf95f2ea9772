namespace Agent.Runtime.Os.Processes;

/// <summary>Starts commands with separate stdin, stdout and stderr pipes.</summary>
public interface IPipedProcessLauncher
{
    /// <summary>
    /// Starts <c>&lt;shell&gt; -c <paramref name="command"/></c>, or the login shell itself (<c>-l</c>) when
    /// <paramref name="command"/> is empty, in its own process group, with the agent's environment overlaid by
    /// <paramref name="environment"/> (later entries win), in <paramref name="workingDirectory"/> when it exists,
    /// else the home directory. Throws when the process cannot be started.
    /// </summary>
    IPipedProcess Start(string command, IReadOnlyList<KeyValuePair<string, string>> environment, string? workingDirectory);
}
