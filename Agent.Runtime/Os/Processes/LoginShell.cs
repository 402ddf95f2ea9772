using System.Runtime.InteropServices;
using Agent.Runtime.Os.Interop;

namespace Agent.Runtime.Os.Processes;

/// <summary>The current user's login shell and home directory, as the passwd database (or the environment) says.</summary>
internal static unsafe class LoginShell
{
    private const int MaxBufferLength = 1 << 20;

    /// <summary>Reads <c>pw_shell</c> of <c>getuid()</c>; falls back to <c>$SHELL</c>, then <c>/bin/sh</c>.</summary>
    public static string ResolveShell()
    {
        var entry = ReadEntry();
        if (!string.IsNullOrEmpty(entry.Shell))
            return entry.Shell;
        var fromEnvironment = Environment.GetEnvironmentVariable("SHELL");
        return string.IsNullOrEmpty(fromEnvironment) ? "/bin/sh" : fromEnvironment;
    }

    /// <summary><c>$HOME</c>; falls back to <c>pw_dir</c>, then <c>/</c>.</summary>
    public static string ResolveHome()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("HOME");
        if (!string.IsNullOrEmpty(fromEnvironment))
            return fromEnvironment;
        var entry = ReadEntry();
        return string.IsNullOrEmpty(entry.Home) ? "/" : entry.Home;
    }

    private static (string? Shell, string? Home) ReadEntry()
    {
        var uid = LibC.GetUid();
        for (var length = 1024; length <= MaxBufferLength; length *= 4)
        {
            var buffer = new byte[length];
            fixed (byte* bytes = buffer)
            {
                Passwd entry;
                Passwd* result = null;
                var error = LibC.GetPasswordEntry(uid, &entry, bytes, (nuint)length, &result);
                if (error == LibC.ERANGE)
                    continue;
                if (error != 0 || result == null)
                    return (null, null);
                return (Marshal.PtrToStringUTF8(entry.Shell), Marshal.PtrToStringUTF8(entry.HomeDirectory));
            }
        }

        return (null, null);
    }
}
