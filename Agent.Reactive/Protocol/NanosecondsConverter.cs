using System.Text.Json;
using System.Text.Json.Serialization;

namespace Agent.Reactive.Protocol;

/// <summary>Go's <c>time.Duration</c> on the wire: an integer count of nanoseconds.</summary>
public sealed class NanosecondsConverter : JsonConverter<TimeSpan>
{
    private const long NanosecondsPerTick = 100;

    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.Number)
            throw new JsonException($"expected a duration in nanoseconds, got {reader.TokenType}");
        if (reader.TryGetInt64(out var nanoseconds))
        {
            // Round away from zero so that a positive duration never becomes zero ("1 ns" is a timeout, 0 is none).
            var ticks = nanoseconds / NanosecondsPerTick;
            if (nanoseconds % NanosecondsPerTick != 0)
                ticks += Math.Sign(nanoseconds);
            return TimeSpan.FromTicks(ticks);
        }

        throw new JsonException("duration in nanoseconds is not a 64-bit integer");
    }

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options)
        => writer.WriteNumberValue(value.Ticks * NanosecondsPerTick);
}
