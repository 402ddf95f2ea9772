using System.Diagnostics;
using System.Globalization;
using Agent.Specs.Runtime.ControlPlane;

namespace Agent.Specs.Runtime.Api;

/// <summary>Runs <c>curl</c> with a deadline; the status code comes from <c>-w</c>.</summary>
internal static class ApiCurl
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    public static async Task<CurlResult> GetAsync(string url, params string[] arguments)
    {
        var start = new ProcessStartInfo("curl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-sS", "--noproxy", "*", "--max-time", "15", "-w", "\n%{http_code}" }.Concat(arguments).Append(url))
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("curl did not start");
        using var deadline = new CancellationTokenSource(Deadline);
        var stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"curl {url} did not finish within {Deadline}");
        }

        var output = await stdout;
        Assert.True(process.ExitCode == 0, $"curl failed ({process.ExitCode}): {await stderr}");
        var split = output.LastIndexOf('\n');
        return new CurlResult(int.Parse(output[(split + 1)..], CultureInfo.InvariantCulture), output[..split]);
    }
}
