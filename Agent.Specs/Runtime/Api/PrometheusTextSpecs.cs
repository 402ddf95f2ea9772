using Agent.Runtime.Api;

namespace Agent.Specs.Runtime.Api;

public sealed class PrometheusTextSpecs
{
    [Fact]
    public void Family_WithSamples_WritesHelpTypeAndLines()
    {
        var text = new PrometheusText()
            .Family("agent_connections_total", "counter", "Connections.\nBy protocol \\ kind.")
            .Sample("agent_connections_total", 3, ("protocol", "TCP"))
            .Sample("agent_connections_total", 1.5, ("protocol", "a\"b\\c\nd"), ("x", "y"))
            .Family("agent_up", "gauge", "Up.")
            .Sample("agent_up", 1)
            .ToString();

        Assert.Equal(
            "# HELP agent_connections_total Connections.\\nBy protocol \\\\ kind.\n"
            + "# TYPE agent_connections_total counter\n"
            + "agent_connections_total{protocol=\"TCP\"} 3\n"
            + "agent_connections_total{protocol=\"a\\\"b\\\\c\\nd\",x=\"y\"} 1.5\n"
            + "# HELP agent_up Up.\n"
            + "# TYPE agent_up gauge\n"
            + "agent_up 1\n",
            text);
    }

    [Theory]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(12345678901.0, "12345678901")]
    public void Sample_SpecialAndLargeValues_UseTheFormatsSpelling(double value, string expected)
    {
        Assert.Equal($"m {expected}\n", new PrometheusText().Sample("m", value).ToString());
    }
}
