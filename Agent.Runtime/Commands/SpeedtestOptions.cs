using Agent.Runtime.Commands.ConfigSsh;
using Agent.Runtime.Commands.Git;
using Agent.Runtime.Commands.Monitor;
using Agent.Runtime.Commands.PortForward;
using Agent.Runtime.Hosting;
using Agent.Runtime.Speedtest;

namespace Agent.Runtime.Commands;

/// <summary>The checked options of <c>agent speedtest</c>.</summary>
public sealed record SpeedtestOptions(Uri Url, string Token, string Agent, SpeedtestDirection Direction, TimeSpan Duration);
