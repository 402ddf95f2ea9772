namespace Agent.Specs.Runtime.Commands.Readme;

/// <summary>An option README's prose says <c>agent <paramref name="Command"/></c> takes.</summary>
public sealed record DescribedOption(string Source, string Command, string Option)
{
    public override string ToString() => $"{Source}: agent {Command} {Option}";
}
