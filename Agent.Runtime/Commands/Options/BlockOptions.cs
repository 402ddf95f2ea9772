using System.CommandLine;
using Agent.Runtime.Sshd.Audit;

namespace Agent.Runtime.Commands.Options;

/// <summary>
/// <c>--block-file-transfer</c>, <c>--block-port-forwarding</c> and the finer <c>--block-local-port-forwarding</c>,
/// <c>--block-reverse-port-forwarding</c> of <c>agent run</c>, <c>agent dev</c> and <c>agent ssh-server</c>, each also from
/// its environment variable (Coder's names): <c>CODER_AGENT_BLOCK_FILE_TRANSFER</c>, <c>CODER_AGENT_BLOCK_PORT_FORWARDING</c>,
/// <c>CODER_AGENT_BLOCK_LOCAL_PORT_FORWARDING</c>, <c>CODER_AGENT_BLOCK_REVERSE_PORT_FORWARDING</c> (<c>true</c>/<c>false</c>, <c>1</c>/<c>0</c>).
/// </summary>
public sealed class BlockOptions
{
    public Option<bool> FileTransfer { get; } = new("--block-file-transfer")
    {
        Description = "Refuse SFTP, scp, rsync, sftp-server, nc and tar to or from stdio over SSH (env CODER_AGENT_BLOCK_FILE_TRANSFER)",
    };

    public Option<bool> PortForwarding { get; } = new("--block-port-forwarding")
    {
        Description = "Refuse SSH port and socket forwarding, local (-L, -D) and reverse (-R) (env CODER_AGENT_BLOCK_PORT_FORWARDING)",
    };

    public Option<bool> LocalPortForwarding { get; } = new("--block-local-port-forwarding")
    {
        Description = "Refuse local SSH forwarding only (-L, -D) (env CODER_AGENT_BLOCK_LOCAL_PORT_FORWARDING)",
    };

    public Option<bool> ReversePortForwarding { get; } = new("--block-reverse-port-forwarding")
    {
        Description = "Refuse reverse SSH forwarding only (-R) (env CODER_AGENT_BLOCK_REVERSE_PORT_FORWARDING)",
    };

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(FileTransfer);
        command.Options.Add(PortForwarding);
        command.Options.Add(LocalPortForwarding);
        command.Options.Add(ReversePortForwarding);
    }

    /// <summary>What is blocked; an environment value that is not a boolean gives <paramref name="error"/> and <c>null</c>.</summary>
    public SshBlocks? Read(ParseResult result, out string? error)
    {
        ArgumentNullException.ThrowIfNull(result);
        error = null;
        var fileTransfer = Flag(result, FileTransfer, "CODER_AGENT_BLOCK_FILE_TRANSFER", ref error);
        var both = Flag(result, PortForwarding, "CODER_AGENT_BLOCK_PORT_FORWARDING", ref error);
        var local = Flag(result, LocalPortForwarding, "CODER_AGENT_BLOCK_LOCAL_PORT_FORWARDING", ref error);
        var reverse = Flag(result, ReversePortForwarding, "CODER_AGENT_BLOCK_REVERSE_PORT_FORWARDING", ref error);
        return error is null ? new SshBlocks(fileTransfer, both || local, both || reverse) : null;
    }

    // The flag when given on the command line, else its variable.
    private static bool Flag(ParseResult result, Option<bool> option, string variable, ref string? error)
    {
        if (result.GetResult(option) is { Implicit: false })
            return result.GetValue(option);
        if (EnvironmentDefaults.FirstSet(variable) is not { } set)
            return false;
        switch (set.Value.Trim().ToLowerInvariant())
        {
            case "1" or "true" or "yes" or "on":
                return true;
            case "0" or "false" or "no" or "off":
                return false;
            default:
                error ??= $"{variable} \"{set.Value}\" is not true or false";
                return false;
        }
    }
}
