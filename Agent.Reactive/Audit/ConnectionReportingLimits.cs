namespace Agent.Reactive.Audit;

/// <summary>How <see cref="ConnectionReporting"/> batches and bounds the reports.</summary>
public sealed record ConnectionReportingLimits
{
    /// <summary>The control plane's limit of one <c>POST me/connections</c> body.</summary>
    public const int ControlPlaneMaxBodyBytes = 1 << 20;

    public static ConnectionReportingLimits Default { get; } = new();

    /// <summary>A batch closes after this long without a new report (or at <see cref="MaxBatchReports"/>).</summary>
    public TimeSpan QuietPeriod { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>At most this many reports per POST.</summary>
    public int MaxBatchReports { get; init; } = 100;

    /// <summary>At most this many bytes of reports per POST (a larger single report is dropped and counted).</summary>
    public int MaxBatchBytes { get; init; } = ControlPlaneMaxBodyBytes - 1024;

    /// <summary>At most this many bytes of reports wait while the control plane is slow or away; more are dropped and counted.</summary>
    public long MaxPendingBytes { get; init; } = 4 << 20;
}
