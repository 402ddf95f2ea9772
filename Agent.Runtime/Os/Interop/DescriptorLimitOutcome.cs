namespace Agent.Runtime.Os.Interop;

/// <summary>What <see cref="DescriptorLimit.RaiseSoftToHard"/> found and did.</summary>
/// <param name="Before">The soft limit found.</param>
/// <param name="After">The soft limit now (the hard limit when raised).</param>
/// <param name="Error">Why the limit could not be read or raised, else null.</param>
internal readonly record struct DescriptorLimitOutcome(ulong Before, ulong After, string? Error)
{
    public bool Raised => Error is null && After > Before;
}
