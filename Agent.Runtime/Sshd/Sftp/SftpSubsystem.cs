using Agent.Runtime.Sshd.Session;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Sshd.Sftp;

/// <summary>The <c>sftp</c> subsystem of the SSH server: an <see cref="SftpServer"/> per channel, one handle budget per connection.</summary>
public static class SftpSubsystem
{
    public const string Name = "sftp";

    /// <summary>A handler serving SFTP from <paramref name="homeDirectory"/> (read per channel).</summary>
    public static SshSubsystemHandler Create(Func<string> homeDirectory, ILogger logger, int handlesPerConnection = SftpHandleBudget.DefaultPerConnection)
    {
        ArgumentNullException.ThrowIfNull(homeDirectory);
        ArgumentNullException.ThrowIfNull(logger);
        return (channel, input, output, cancellationToken) =>
        {
            var budget = SftpHandleBudget.Of(channel.Connection, handlesPerConnection);
            var options = new SftpServerOptions { HomeDirectory = homeDirectory(), HandleBudget = budget, ConnectionId = channel.Connection.Id, FileOperations = SessionAudit.FilesOf(channel) };
            return SftpServer.ServeAsync(input, output, options, logger, cancellationToken);
        };
    }
}
