using System.Text;
using Serilog.Sinks.File;

namespace Agent.Runtime.Hosting;

/// <summary>Every log file the agent opens (the first and each rotated one) is readable by its owner only.</summary>
public sealed class PrivateLogFiles : FileLifecycleHooks
{
    public override Stream OnFileOpened(string path, Stream underlyingStream, Encoding encoding)
    {
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return underlyingStream;
    }
}
