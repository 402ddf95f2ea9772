namespace Agent.Specs.Fuzz;

/// <summary>
/// An input that broke the property: an unexpected exception (<see cref="Kind"/> <c>crash</c>), no answer within the
/// per-input deadline (<c>hang</c>) or too much allocated (<c>allocation</c>). <see cref="Input"/> is the smallest
/// input found that still does it; <see cref="Iteration"/> with the run's seed makes the original again.
/// </summary>
internal sealed record FuzzFinding(string Kind, string Signature, string Detail, long Iteration, byte[] Input)
{
    /// <summary>How many inputs of the run ended the same way.</summary>
    public int Occurrences { get; set; } = 1;

    public override string ToString()
        => $"{Kind} {Signature} (iteration {Iteration}, {Occurrences}x): {Detail}\n    minimised input ({Input.Length} bytes): {Convert.ToHexString(Input)}";
}
