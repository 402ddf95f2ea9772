using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace Agent.Runtime.Os.Interop;

/// <summary>Resource limits (<c>getrlimit</c>/<c>setrlimit</c>).</summary>
[SuppressMessage("StyleCop.CSharp.NamingRules", "SA1310:FieldNamesMustNotContainUnderscore", Justification = "Constants keep their libc names.")]
internal static unsafe partial class LibC
{
    public const int RLIMIT_NOFILE = 7;

    /// <summary><c>RLIM_INFINITY</c>.</summary>
    public const ulong RLIM_INFINITY = ulong.MaxValue;

    [LibraryImport(Library, EntryPoint = "getrlimit", SetLastError = true)]
    public static partial int GetResourceLimit(int resource, ResourceLimit* limit);

    [LibraryImport(Library, EntryPoint = "setrlimit", SetLastError = true)]
    public static partial int SetResourceLimit(int resource, ResourceLimit* limit);

    /// <summary><c>struct rlimit</c>: the soft (current) and hard (maximum) limit.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct ResourceLimit
    {
        public ulong Current;
        public ulong Maximum;
    }
}
