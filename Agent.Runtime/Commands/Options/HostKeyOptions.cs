using System.CommandLine;
using Agent.Runtime.Ssh.Keys;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Commands.Options;

/// <summary>
/// <c>--host-key-dir</c> and <c>--host-key</c> of <c>agent run</c>, <c>agent dev</c> and <c>agent ssh-server</c>. As
/// with sshd's <c>HostKey</c>, keys named with <c>--host-key</c> are the only ones served: no directory is read and no
/// key is created. Giving both options is an error.
/// </summary>
public sealed class HostKeyOptions
{
    public Option<string?> Directory { get; } = new("--host-key-dir")
    {
        Description = "Directory of the host keys under sshd's names (ssh_host_ed25519_key, ssh_host_ecdsa_key, ssh_host_rsa_key); missing keys are created (default <data dir>/ssh)",
    };

    public Option<string[]> Files { get; } = new("--host-key")
    {
        Description = "Serve exactly this host key file (repeatable, like sshd's HostKey; OpenSSH or PEM format, unencrypted, mode 0600), e.g. /etc/ssh/ssh_host_ed25519_key",
        Arity = ArgumentArity.OneOrMore,
    };

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Directory);
        command.Options.Add(Files);
    }

    /// <summary>
    /// The host keys the options name: the <c>--host-key</c> files, or the keys of <c>--host-key-dir</c> (made when
    /// missing), or those of <paramref name="defaultDirectory"/>. A key that cannot be served gives
    /// <paramref name="error"/> (naming the file and why) and <c>null</c>; nothing is written over it.
    /// </summary>
    public HostKeyStore? Load(ParseResult result, string defaultDirectory, ILogger logger, out string? error)
    {
        ArgumentNullException.ThrowIfNull(result);
        error = null;
        var files = result.GetValue(Files) ?? [];
        var directory = result.GetValue(Directory);
        if (files.Length > 0 && directory is not null)
        {
            error = "--host-key and --host-key-dir cannot be combined: --host-key serves exactly the files it names";
            return null;
        }

        try
        {
            return files.Length > 0 ? HostKeyStore.Load(files, logger) : HostKeyStore.LoadOrCreateIn(directory ?? defaultDirectory, logger);
        }
        catch (HostKeyFileException e)
        {
            error = e.Message;
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The directory cannot be made or read, or a .pub cannot be written: a clear error, never a stack trace.
            error = $"the SSH host keys in {directory ?? (files.Length > 0 ? string.Join(", ", files) : defaultDirectory)}: {e.Message}";
            return null;
        }
    }
}
