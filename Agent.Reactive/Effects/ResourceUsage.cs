namespace Agent.Reactive.Effects;

/// <summary>Bytes used of a resource and its total.</summary>
public sealed record ResourceUsage(long Used, long Total);
