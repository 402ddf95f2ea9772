using Agent.Specs.Utilities;

namespace Agent.Specs.Integration.PortProxy;

/// <summary>The real <c>curl</c> (which resolves <c>*.localhost</c> to loopback itself, as browsers do): status, headers and body of the last answer.</summary>
public sealed record Curl(int Status, string Headers, string Body)
{
    public static async Task<Curl> RunAsync(params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync("curl", ["-s", "-i", "--max-time", "60", .. arguments], timeout: TimeSpan.FromSeconds(90));
        Assert.True(result.ExitCode == 0, $"curl {string.Join(' ', arguments)} exited {result.ExitCode}: {result.Error}");
        var text = result.Text;
        var start = 0;
        while (true)
        {
            var end = text.IndexOf("\r\n\r\n", start, StringComparison.Ordinal);
            var headers = end < 0 ? text[start..] : text[start..end];
            var body = end < 0 ? string.Empty : text[(end + 4)..];
            if (!body.StartsWith("HTTP/", StringComparison.Ordinal))
                return new Curl(int.Parse(headers.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), headers, body);
            start = end + 4; // a redirect followed with -L: the next answer's headers
        }
    }

    public string? Header(string name)
        => Headers.Split("\r\n").Select(line => line.Split(':', 2)).Where(parts => parts.Length == 2 && parts[0].Trim().Equals(name, StringComparison.OrdinalIgnoreCase)).Select(parts => parts[1].Trim()).LastOrDefault();
}
