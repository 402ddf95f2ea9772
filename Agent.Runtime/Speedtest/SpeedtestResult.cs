namespace Agent.Runtime.Speedtest;

/// <summary>
/// What one side measured: the intervals of about one second (the last one may be shorter: kept when longer than
/// 10 ms) and the total from the first to the last byte.
/// </summary>
public sealed record SpeedtestResult(SpeedtestDirection Direction, IReadOnlyList<SpeedtestInterval> Intervals, SpeedtestInterval Total);
