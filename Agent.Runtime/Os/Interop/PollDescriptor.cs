using System.Runtime.InteropServices;

namespace Agent.Runtime.Os.Interop;

/// <summary>The kernel's <c>struct pollfd</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PollDescriptor
{
    public int Fd;
    public short Events;
    public short ReturnedEvents;
}
