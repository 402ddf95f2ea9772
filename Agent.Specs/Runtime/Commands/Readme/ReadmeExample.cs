namespace Agent.Specs.Runtime.Commands.Readme;

/// <summary>One <c>agent</c> command line README shows: where (<paramref name="Source"/>), as written, and the arguments one expansion of it passes.</summary>
public sealed record ReadmeExample(string Source, string Written, IReadOnlyList<string> Arguments)
{
    public override string ToString() => $"{Source}: agent {string.Join(' ', Arguments)}  (README: {Written})";
}
