using Agent.Reactive.Effects;

namespace Agent.Runtime.Os.Processes;

/// <summary>The <c>WIFEXITED</c>/<c>WIFSIGNALED</c> decoding of a raw wait status into a <see cref="PtyExit"/>.</summary>
internal static class WaitStatus
{
    public static PtyExit ToExit(int status)
    {
        var signal = status & 0x7f;
        return signal == 0 ? new PtyExit((status >> 8) & 0xff, null) : new PtyExit(null, signal);
    }
}
