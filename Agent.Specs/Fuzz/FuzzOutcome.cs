namespace Agent.Specs.Fuzz;

/// <summary>What a target made of one input, when it behaved: it parsed it, or refused it with its defined error.</summary>
internal enum FuzzOutcome
{
    Accepted,
    Refused,
}
