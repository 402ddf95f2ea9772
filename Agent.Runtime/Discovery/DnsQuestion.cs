namespace Agent.Runtime.Discovery;

/// <summary>One DNS question; <paramref name="UnicastResponse"/> is mDNS's QU bit (the top bit of the class).</summary>
public sealed record DnsQuestion(string Name, ushort Type, bool UnicastResponse = false, ushort Class = DnsType.ClassIn);
