using System.Net;

namespace Agent.Runtime.Api;

/// <summary>A listening TCP socket from <c>/proc/net/tcp</c> or <c>/proc/net/tcp6</c>.</summary>
/// <param name="Address">The local address it is bound to.</param>
/// <param name="Port">The local port.</param>
/// <param name="Inode">The socket's inode, as in the <c>socket:[inode]</c> links of <c>/proc/PID/fd</c>.</param>
public sealed record ProcNetListener(IPAddress Address, int Port, ulong Inode);
