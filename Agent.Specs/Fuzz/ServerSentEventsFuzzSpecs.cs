using System.Text;
using System.Text.Json;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;
using Agent.Runtime.Relay.Sse;

namespace Agent.Specs.Fuzz;

/// <summary>
/// The monitor's event-stream reader, fed in chunks cut anywhere, and each event's data decoded as the monitor
/// decodes it. A line or event beyond the bound is an InvalidDataException (the stream is dropped and retried);
/// data that is not an agent event is skipped (JsonException, NotSupportedException).
/// </summary>
[Collection(FuzzCollection.Name)]
public sealed class ServerSentEventsFuzzSpecs
{
    private const int MaxLength = 4096;
    private static readonly DateTimeOffset At = new(2026, 12, 4, 16, 0, 0, TimeSpan.Zero);

    internal static FuzzTarget Target { get; } = new(
        "sse-events",
        [
            [
                .. EventStreamQueue.Format(new LifecycleChanged(At, LifecycleState.Ready)),
                .. EventStreamQueue.Format(new LogLine(At, "startup_script", "hello\u001b]52;c;AAAA\u0007")),
                .. EventStreamQueue.Format(new MetadataCollected(At, "cpu", "CPU", new MetadataResult(At, 1, "0.5", string.Empty))),
            ],
            Encoding.UTF8.GetBytes("\uFEFF: comment\r\nretry: 1000\r\nid: 7\r\nevent: lifecycle\r\ndata: {\"type\":\"lifecycle\",\r\ndata: \"at\":\"2026-12-04T16:00:00Z\",\"state\":\"off\"}\r\n\r\n"),
        ],
        (input, _) => Task.FromResult(Read(input)))
    {
        Dictionary = [.. FuzzDictionaries.Json, .. FuzzDictionaries.Tokens("data:", "event:", "id:", "retry:", "\r\n", "\r", "\n\n", ":")],
        MaxInputBytes = 4 * MaxLength,
    };

    [Fact]
    public async Task Feed_MutatedStreams_EventsOrBoundedErrors()
        => await FuzzSpec.RunAsync(Target, minimumExecutions: 1000);

    private static FuzzOutcome Read(byte[] input)
    {
        var reader = new ServerSentEventsReader(MaxLength);
        var random = new Random(input.Length);
        var refused = false;
        try
        {
            for (var offset = 0; offset < input.Length;)
            {
                var chunk = Math.Min(input.Length - offset, random.Next(1, 128));
                foreach (var serverSentEvent in reader.Feed(input.AsSpan(offset, chunk)))
                {
                    try
                    {
                        _ = JsonSerializer.Deserialize(serverSentEvent.Data, MonitoringJsonContext.Default.AgentEvent);
                    }
                    catch (Exception e) when (e is JsonException or NotSupportedException)
                    {
                        refused = true;
                    }
                }

                offset += chunk;
            }
        }
        catch (InvalidDataException)
        {
            return FuzzOutcome.Refused;
        }

        return refused ? FuzzOutcome.Refused : FuzzOutcome.Accepted;
    }
}
