using System.Runtime.InteropServices;

namespace Agent.Runtime.Os.Interop;

/// <summary>glibc's <c>struct passwd</c> (Linux layout).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Passwd
{
    public IntPtr Name;
    public IntPtr Password;
    public uint UserId;
    public uint GroupId;
    public IntPtr Gecos;
    public IntPtr HomeDirectory;
    public IntPtr Shell;
}
