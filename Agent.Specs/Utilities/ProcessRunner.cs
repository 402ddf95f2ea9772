using System.Diagnostics;
using System.Text;

namespace Agent.Specs.Utilities;

/// <summary>Runs a program to completion with a deadline, feeding stdin and keeping stdout as bytes.</summary>
public static class ProcessRunner
{
    public sealed record Result(int ExitCode, byte[] Output, string Error)
    {
        public string Text => System.Text.Encoding.UTF8.GetString(Output);
    }

    public static Task<Result> RunAsync(string program, IEnumerable<string> arguments, byte[]? input = null, TimeSpan? timeout = null, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            info.Environment[name] = value;
        return RunAsync(info, input, timeout);
    }

    /// <summary>Runs <paramref name="info"/> (its standard streams redirected) to completion.</summary>
    public static async Task<Result> RunAsync(ProcessStartInfo info, byte[]? input = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(info);
        var program = info.FileName;
        var arguments = info.ArgumentList;
        using var process = Process.Start(info)!;
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        var output = new MemoryStream();
        var errorText = new StringBuilder();
        try
        {
            var reading = process.StandardOutput.BaseStream.CopyToAsync(output, deadline.Token);
            var error = ReadAllAsync(process.StandardError, errorText, deadline.Token);
            try
            {
                if (input is not null)
                    await process.StandardInput.BaseStream.WriteAsync(input, deadline.Token);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The program ended (or closed its input) before reading all of it: its exit code and stderr say why.
            }

            await Task.WhenAll(reading, error, process.WaitForExitAsync(deadline.Token));
            return new Result(process.ExitCode, output.ToArray(), await error);
        }
        catch (OperationCanceledException)
        {
            string soFar;
            lock (errorText)
                soFar = errorText.ToString();
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish in time; it wrote {output.Length} bytes to stdout, and to stderr:\n{soFar}");
        }
        finally
        {
            // On a timeout, or when feeding stdin failed: nothing a spec started outlives it.
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
    }

    // Stderr as it comes (so a timeout can still show what was written), then all of it.
    private static async Task<string> ReadAllAsync(StreamReader reader, StringBuilder text, CancellationToken cancellationToken)
    {
        var buffer = new char[4096];
        while (true)
        {
            var read = await reader.ReadAsync(buffer, cancellationToken);
            lock (text)
            {
                if (read == 0)
                    return text.ToString();
                text.Append(buffer, 0, read);
            }
        }
    }
}
