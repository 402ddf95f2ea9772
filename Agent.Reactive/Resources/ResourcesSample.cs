using Agent.Reactive.Protocol;

namespace Agent.Reactive.Resources;

/// <summary>One sample of every watched resource; <see cref="Changed"/> when a state changed with it.</summary>
public sealed record ResourcesSample(DateTimeOffset At, IReadOnlyList<ResourceStatus> Resources, bool Changed);
