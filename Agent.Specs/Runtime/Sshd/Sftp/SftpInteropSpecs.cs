using System.Diagnostics;
using System.Security.Cryptography;
using Agent.Specs.Integration;
using Agent.Specs.Utilities;

namespace Agent.Specs.Runtime.Sshd.Sftp;

/// <summary>The OpenSSH <c>sftp</c> client in batch mode against <c>agent sftp-server</c> (<c>sftp -D</c>, no SSH).</summary>
public sealed class SftpInteropSpecs : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);
    private readonly TempDirectory _remote = new();
    private readonly TempDirectory _local = new();

    public void Dispose()
    {
        _remote.Dispose();
        _local.Dispose();
    }

    [Fact]
    public async Task PutThenGet_64MiBRandomFile_ArrivesIdentical()
    {
        var source = _local.Combine("source.bin");
        var data = new byte[64 * 1024 * 1024];
        Random.Shared.NextBytes(data);
        await File.WriteAllBytesAsync(source, data);

        var result = await BatchAsync($"put {source} uploaded.bin", $"get uploaded.bin {_local.Combine("downloaded.bin")}");

        Assert.True(result.ExitCode == 0, result.ToString());
        var expected = SHA256.HashData(data);
        Assert.Equal(expected, SHA256.HashData(await File.ReadAllBytesAsync(_remote.Combine("uploaded.bin"))));
        Assert.Equal(expected, SHA256.HashData(await File.ReadAllBytesAsync(_local.Combine("downloaded.bin"))));
    }

    [Fact]
    public async Task Batch_MkdirChmodRenameSymlinkLsDf_ChangesTheRemoteTree()
    {
        await File.WriteAllTextAsync(_remote.Combine("report.txt"), "numbers");

        var result = await BatchAsync(
            "mkdir docs",
            "chmod 750 docs",
            "rename report.txt docs/report.txt",
            "ln -s docs/report.txt latest",
            "mkdir scratch",
            "rmdir scratch",
            "ls -l docs",
            "ls -1",
            "df");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute,
            File.GetUnixFileMode(_remote.Combine("docs")));
        Assert.Equal("numbers", await File.ReadAllTextAsync(_remote.Combine("docs", "report.txt")));
        Assert.Equal("docs/report.txt", new FileInfo(_remote.Combine("latest")).LinkTarget);
        Assert.False(Directory.Exists(_remote.Combine("scratch")));
        Assert.Matches(@"-rw\S+ +1 \S+ +\S+ +7 .* report\.txt", result.Output);
        Assert.Contains("latest", result.Output, StringComparison.Ordinal);
        Assert.Matches(@"Size +Used +Avail +\(root\) +%Capacity", result.Output);
    }

    [Fact]
    public async Task LegacyRename_OntoAnExistingFile_RefusedAndBothKept()
    {
        await File.WriteAllTextAsync(_remote.Combine("a"), "A");
        await File.WriteAllTextAsync(_remote.Combine("b"), "B");

        var result = await BatchAsync("-rename -l a b", "rename a c");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Failure", result.Error, StringComparison.Ordinal);
        Assert.Equal("A", await File.ReadAllTextAsync(_remote.Combine("c")));
        Assert.Equal("B", await File.ReadAllTextAsync(_remote.Combine("b")));
    }

    [Fact]
    public async Task Get_MissingFile_BatchFailsWithNoSuchFile()
    {
        var result = await BatchAsync($"get nothing-here {_local.Combine("x")}");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("not found", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scp_SftpModeThroughAnSshStandIn_CopiesBothWays()
    {
        // scp (SFTP mode, the OpenSSH 9 default) asks "ssh -s ... sftp"; -S swaps ssh for a script that runs the server.
        var standIn = _local.Combine("ssh-stand-in");
        await File.WriteAllTextAsync(standIn, $"#!/bin/sh\nexec dotnet '{AgentBinary.Path}' sftp-server -d '{_remote.Path}'\n");
        File.SetUnixFileMode(standIn, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var data = new byte[3 * 1024 * 1024];
        Random.Shared.NextBytes(data);
        await File.WriteAllBytesAsync(_local.Combine("up.bin"), data);

        var upload = await RunProcessAsync("scp", "-S", standIn, _local.Combine("up.bin"), "workspace:copy.bin");
        var download = await RunProcessAsync("scp", "-S", standIn, "workspace:copy.bin", _local.Combine("down.bin"));

        Assert.True(upload.ExitCode == 0, upload.ToString());
        Assert.True(download.ExitCode == 0, download.ToString());
        Assert.Equal(data, await File.ReadAllBytesAsync(_remote.Combine("copy.bin")));
        Assert.Equal(data, await File.ReadAllBytesAsync(_local.Combine("down.bin")));
    }

    private async Task<SftpRun> BatchAsync(params string[] commands)
    {
        var batch = _local.Combine("batch");
        await File.WriteAllLinesAsync(batch, commands);
        return await RunProcessAsync("sftp", "-b", batch, "-D", $"dotnet {AgentBinary.Path} sftp-server -d {_remote.Path}");
    }

    private async Task<SftpRun> RunProcessAsync(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = _local.Path,
        };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Deadline);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} did not finish within {Deadline}");
        }

        return new SftpRun(process.ExitCode, await output, await error);
    }

    private sealed record SftpRun(int ExitCode, string Output, string Error)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{Output}\nstderr:\n{Error}";
    }
}
