using System.Text.Json.Serialization;

namespace Agent.Runtime.Speedtest;

/// <summary>
/// The first message of a speed test, client to server: <c>{"version":2,"time":&lt;ns&gt;,"direction":0|1}</c>
/// followed by a newline (what Go's <c>json.Encoder</c> writes). <paramref name="TimeNanoseconds"/> is Go's
/// <c>time.Duration</c>, an integer count of nanoseconds.
/// </summary>
public sealed record SpeedtestConfig(
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("time")] long TimeNanoseconds,
    [property: JsonPropertyName("direction")] SpeedtestDirection Direction)
{
    /// <summary>The test's duration (nanoseconds below 100 are dropped: a tick is 100 ns).</summary>
    [JsonIgnore]
    public TimeSpan Duration => TimeSpan.FromTicks(TimeNanoseconds / 100);

    /// <summary>The config a client of this <see cref="SpeedtestProtocol.Version"/> sends.</summary>
    public static SpeedtestConfig For(SpeedtestDirection direction, TimeSpan duration)
        => new(SpeedtestProtocol.Version, checked(duration.Ticks * 100), direction);
}
