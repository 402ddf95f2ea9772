using System.CommandLine;
using Agent.Runtime.Commands.Monitor;
using Agent.Runtime.Sshd.Sftp;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Commands;

/// <summary>
/// <c>agent sftp-server [-d DIR] [-R]</c>: an SFTP server on stdin/stdout, as OpenSSH's sftp-server, so
/// <c>sftp -D "agent sftp-server"</c> works without SSH. Problems go to stderr. Exit 0 when the client hangs up,
/// 1 when it broke the protocol.
/// </summary>
public static class SftpServerCommand
{
    public static Command Create()
    {
        var directory = new Option<DirectoryInfo?>("--directory", "-d")
        {
            Description = "Start (home) directory: where relative paths begin (default: the current directory)",
        };
        var readOnly = new Option<bool>("--read-only", "-R") { Description = "Refuse every request that would change files" };
        var command = new Command("sftp-server", "Serve SFTP on standard input and output (what an SSH sftp subsystem runs).")
        {
            directory, readOnly,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var home = result.GetValue(directory)?.FullName ?? Environment.CurrentDirectory;
            if (!Directory.Exists(home))
            {
                await result.InvocationConfiguration.Error.WriteLineAsync($"agent sftp-server: no directory {home}");
                return 2;
            }

            var options = new SftpServerOptions { HomeDirectory = home, ReadOnly = result.GetValue(readOnly) };
            var logger = new TextWriterLogger(result.InvocationConfiguration.Error, LogLevel.Warning);
            await using var input = Console.OpenStandardInput();
            await using var output = Console.OpenStandardOutput();
            try
            {
                return await SftpServer.ServeAsync(input, output, options, logger, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return 0;
            }
            catch (IOException e)
            {
                logger.SftpSessionEnded(e.Message);
                return 1;
            }
        });
        return command;
    }
}
