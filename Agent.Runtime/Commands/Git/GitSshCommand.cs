using System.CommandLine;
using System.ComponentModel;
using System.Runtime.InteropServices;
using Agent.Reactive.Effects;
using Agent.Runtime.Os.Processes;

namespace Agent.Runtime.Commands.Git;

/// <summary>
/// <c>agent gitssh [--url URL] [--token T | --token-file F] -- ARGS</c>, what the agent's <c>GIT_SSH_COMMAND</c> runs
/// (Coder's <c>coder gitssh</c>): fetches the workspace owner's git key (<c>GET me/gitsshkey</c>, agent token), writes
/// its private half to a private temporary file and runs <c>ssh -i FILE -o IdentitiesOnly=yes ARGS</c> on the same
/// standard streams, passing its exit code on. The file is deleted when ssh exits; SIGINT, SIGTERM, SIGHUP and SIGQUIT
/// are passed to ssh and the file deleted after it. A failure before ssh runs is one line on stderr and exit 1.
/// </summary>
public static class GitSshCommand
{
    private static readonly (PosixSignal Signal, int Number)[] ForwardedSignals =
        [(PosixSignal.SIGINT, 2), (PosixSignal.SIGTERM, 15), (PosixSignal.SIGHUP, 1), (PosixSignal.SIGQUIT, 3)];

    public static Command Create() => Create(Environment.GetEnvironmentVariable, "ssh");

    /// <summary>The command with the environment and the ssh program supplied by the caller (specs pass their own).</summary>
    internal static Command Create(Func<string, string?> environment, string sshProgram)
    {
        var url = new Option<string?>("--url") { Description = "Control plane URL (default: $CODER_AGENT_URL, then $AGENT_URL)" };
        var token = new Option<string?>("--token") { Description = "Agent token (default: $CODER_AGENT_TOKEN, then $AGENT_TOKEN); prefer --token-file" };
        var tokenFile = new Option<string?>("--token-file") { Description = "Read the agent token from this file (default: $CODER_AGENT_TOKEN_FILE, then $AGENT_TOKEN_FILE)" };
        var arguments = new Argument<string[]>("ssh-arguments") { Description = "What git passes to ssh (after --)", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("gitssh", "ssh with the workspace owner's git key from the control plane (GIT_SSH_COMMAND=\"agent gitssh --\").")
        {
            url, token, tokenFile, arguments,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var error = result.InvocationConfiguration.Error;
            if (!GitHelperConnection.TryResolve(result.GetValue(url), result.GetValue(token), result.GetValue(tokenFile), environment, out var controlPlane, out var agentToken, out var problem, out var warning))
                return await FailAsync(error, problem);
            if (warning is not null)
                await error.WriteLineAsync($"agent gitssh: warning: {warning}");

            string privateKey;
            var client = GitHelperConnection.CreateClient(controlPlane, agentToken, out var http);
            using (http)
            {
                try
                {
                    privateKey = (await client.GetGitSshKeyAsync(cancellationToken)).PrivateKey ?? string.Empty;
                }
                catch (ControlPlaneException e)
                {
                    return await FailAsync(error, $"cannot get the git SSH key: {e.Message}");
                }
            }

            if (privateKey.Trim().Length == 0)
                return await FailAsync(error, "the control plane answered no private key");
            return await RunSshAsync(sshProgram, privateKey, result.GetValue(arguments) ?? [], error);
        });
        return command;
    }

    private static async Task<int> RunSshAsync(string sshProgram, string privateKey, string[] sshArguments, TextWriter error)
    {
        var gate = new Lock();
        ForegroundProcess? ssh = null;
        var received = 0;

        // Registered before the key exists and removed after it is gone: a signal in between never skips the delete.
        var registrations = ForwardedSignals.Select(pair => PosixSignalRegistration.Create(pair.Signal, context =>
        {
            context.Cancel = true;
            lock (gate)
            {
                if (received == 0)
                    received = pair.Number;
                ssh?.Signal(pair.Number);
            }
        })).ToList();
        try
        {
            using var keyFile = TemporaryKeyFile.Write(Path.GetTempPath(), privateKey);
            lock (gate)
            {
                if (received != 0)
                    return 128 + received;
                ssh = ForegroundProcess.Start([sshProgram, "-i", keyFile.Path, "-o", "IdentitiesOnly=yes", .. sshArguments]);
            }

            return await ssh.Exited;
        }
        catch (IOException e)
        {
            return await FailAsync(error, $"cannot write the key file: {e.Message}");
        }
        catch (Win32Exception e)
        {
            return await FailAsync(error, $"cannot run {sshProgram}: {e.Message}");
        }
        finally
        {
            foreach (var registration in registrations)
                registration.Dispose();
        }
    }

    private static async Task<int> FailAsync(TextWriter error, string reason)
    {
        await error.WriteLineAsync($"agent gitssh: {reason}");
        await error.FlushAsync();
        return 1;
    }
}
