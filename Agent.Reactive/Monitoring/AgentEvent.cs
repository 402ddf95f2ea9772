using System.Text.Json.Serialization;

namespace Agent.Reactive.Monitoring;

/// <summary>
/// Something the monitoring tool wants to know about an agent. On the wire (Server-Sent Events) each
/// event is one JSON object with a <c>type</c> discriminator.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ConnectionChanged), "connection")]
[JsonDerivedType(typeof(StartupReported), "startup")]
[JsonDerivedType(typeof(LifecycleChanged), "lifecycle")]
[JsonDerivedType(typeof(LogLine), "log")]
[JsonDerivedType(typeof(MetadataCollected), "metadata")]
[JsonDerivedType(typeof(AppHealthChanged), "app_health")]
[JsonDerivedType(typeof(StatsReported), "stats")]
[JsonDerivedType(typeof(RelayChanged), "relay")]
[JsonDerivedType(typeof(TerminalOpened), "terminal_opened")]
[JsonDerivedType(typeof(TerminalAttached), "terminal_attached")]
[JsonDerivedType(typeof(TerminalDetached), "terminal_detached")]
[JsonDerivedType(typeof(TerminalClosed), "terminal_closed")]
[JsonDerivedType(typeof(ResourcesChanged), "resources")]
[JsonDerivedType(typeof(ConnectionReported), "connection_report")]
[JsonDerivedType(typeof(RecordingStarted), "recording_started")]
[JsonDerivedType(typeof(RecordingEnded), "recording_ended")]
public abstract record AgentEvent(DateTimeOffset At);
