using Agent.Runtime.Speedtest;

namespace Agent.Runtime.Commands.Options;

/// <summary>The checked options of <c>agent speedtest</c>.</summary>
public sealed record SpeedtestOptions(Uri Url, string Token, string Agent, SpeedtestDirection Direction, TimeSpan Duration);
