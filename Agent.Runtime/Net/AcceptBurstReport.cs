using System.Net.Sockets;

namespace Agent.Runtime.Net;

/// <summary>What an <see cref="AcceptBackoff"/> says about a burst of failed accepts: its first error, then how many failed over how long.</summary>
public sealed record AcceptBurstReport(Action<SocketException> Started, Action<int, TimeSpan> Ended);
