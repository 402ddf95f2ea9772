using Agent.Reactive.Protocol;

namespace Agent.Reactive.Metadata;

/// <summary>A finished collection of one manifest item, waiting to be posted.</summary>
internal sealed record CollectedMetadata(MetadataDescription Item, MetadataResult Result);
