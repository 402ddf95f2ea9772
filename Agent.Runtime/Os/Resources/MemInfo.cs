using System.Globalization;
using Agent.Reactive.Effects;

namespace Agent.Runtime.Os.Resources;

/// <summary>The machine's memory from <c>/proc/meminfo</c>: used = <c>MemTotal</c> − <c>MemAvailable</c>, of <c>MemTotal</c>.</summary>
internal static class MemInfo
{
    /// <exception cref="IOException">The file is missing or lacks either line.</exception>
    public static ResourceUsage Read(string procRoot)
    {
        long? total = null, available = null;
        foreach (var line in File.ReadLines(Path.Join(procRoot, "meminfo")))
        {
            if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
                total = Kilobytes(line);
            else if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
                available = Kilobytes(line);
        }

        if (total is not { } t || available is not { } a)
            throw new IOException($"{Path.Join(procRoot, "meminfo")} has no MemTotal or MemAvailable line");
        return new ResourceUsage(Math.Max(t - a, 0), t);
    }

    private static long Kilobytes(string line)
    {
        var value = line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        var space = value.IndexOf(' ', StringComparison.Ordinal);
        return long.Parse(space < 0 ? value : value[..space], CultureInfo.InvariantCulture) * 1024;
    }
}
