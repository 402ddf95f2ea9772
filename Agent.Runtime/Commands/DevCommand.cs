using System.CommandLine;
using Agent.Reactive;
using Agent.Reactive.Terminal;
using Agent.Runtime.Commands.Options;
using Agent.Runtime.ControlPlane;
using Agent.Runtime.ControlPlane.Persistence;
using Agent.Runtime.ControlPlaneClient;
using Agent.Runtime.Hosting;
using Agent.Runtime.Os.Interop;

namespace Agent.Runtime.Commands;

/// <summary><c>agent dev</c>: the embedded control plane and one agent in one process, ready to watch.</summary>
public static class DevCommand
{
    /// <summary>The workspace used when none is given, shipped next to the binary.</summary>
    public const string DemoWorkspace = "examples/demo-workspace.json";

    public static Command Create()
    {
        var workspace = new Option<FileInfo?>("--workspace")
        {
            Description = $"Workspace file (default: {DemoWorkspace}); a token it leaves out is made on the first run and kept in the data directory",
        };
        var address = new Option<string>("--address")
        {
            Description = "host:port of the control plane (port 0 picks a free port)",
            DefaultValueFactory = _ => new ControlPlaneOptions().Address,
        };
        var agentName = new Option<string?>("--agent") { Description = "Which agent of the workspace runs here (default: the first)" };
        var ptyTimeout = new Option<string?>("--pty-timeout")
        {
            Description = "How long a web terminal lives after its last client left (default 5m)",
        };
        var dataDirectory = new Option<string?>("--data-dir")
        {
            Description = "Directory for the agent's own state: host keys, the API socket, the dev tokens and ssh files, and the control plane's database in dev/ (default $XDG_DATA_HOME/agent, else ~/.local/share/agent)",
        };
        var logging = new LoggingOptions();
        var ssh = new SshCliOptions();
        var api = new ApiCliOptions();
        var database = new DatabaseCliOptions($"<data dir>/{DevTokens.Folder}/{DatabaseCliOptions.DefaultFile}");
        var command = new Command("dev", "Run the control plane and an agent together on this machine: the quickest way to see everything work.")
        {
            workspace, address, agentName, ptyTimeout, dataDirectory,
        };
        logging.AddTo(command);
        ssh.AddTo(command);
        api.AddTo(command);
        database.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var file = result.GetValue(workspace)?.FullName ?? FindDemoWorkspace();
            var name = result.GetValue(agentName);
            var data = PrivateDirectory.Ensure(result.GetValue(dataDirectory) ?? RunCommand.DefaultDataDirectory());
            DevTokens tokens;
            WorkspaceDefinition definition;
            try
            {
                tokens = await DevTokens.LoadOrCreateAsync(data, cancellationToken);
                definition = WorkspaceDefinition.Load(file, loaded => loaded.WithMissingTokens(name, tokens.User, tokens.Agent));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"agent dev: cannot keep its tokens in {data}: {e.Message}");
                return 2;
            }
            catch (WorkspaceDefinitionException e)
            {
                await Console.Error.WriteLineAsync(e.Message);
                return 2;
            }

            var agent = name is null ? definition.Agents[0] : definition.Agents.FirstOrDefault(a => a.Name == name);
            if (agent is null)
            {
                await Console.Error.WriteLineAsync($"agent dev: the workspace {file} has no agent named \"{name}\"");
                return 2;
            }

            var timeoutText = result.GetValue(ptyTimeout);
            var terminalOptions = TerminalOptions.Default;
            if (timeoutText is not null)
            {
                if (!GoDuration.TryParse(timeoutText, out var timeout) || timeout <= TimeSpan.Zero)
                {
                    await Console.Error.WriteLineAsync($"agent dev: --pty-timeout \"{timeoutText}\" is not a positive duration (examples: 30s, 5m)");
                    return 2;
                }

                terminalOptions = terminalOptions with { InactivityTimeout = timeout };
            }

            var logDirectory = logging.ResolveLogDirectory(result);
            using var loggerFactory = logging.CreateLoggerFactory(result, logDirectory);
            var apiAddress = api.Parse(result, out var apiError);
            if (apiError is not null)
            {
                await Console.Error.WriteLineAsync($"agent dev: {apiError}");
                return 2;
            }

            using var sshSetup = ssh.Prepare(result, data, loggerFactory, out var sshError);
            if (sshSetup is null)
            {
                await Console.Error.WriteLineAsync($"agent dev: {sshError}");
                return 2;
            }

            var controlPlaneOptions = new ControlPlaneOptions { Address = result.GetValue(address)! };
            try
            {
                controlPlaneOptions.Validate();
            }
            catch (ArgumentException e)
            {
                await Console.Error.WriteLineAsync($"agent dev: {e.Message}");
                return 2;
            }

            // The control plane's state sits beside the dev tokens: <data dir>/dev/control-plane.db unless --database says otherwise.
            var (controlPlane, cannotOpen) = await database.OpenAsync(
                result, Path.Join(data, DevTokens.Folder), "dev", definition, controlPlaneOptions, loggerFactory, cancellationToken);
            if (controlPlane is null)
                return cannotOpen;

            await using var owned = controlPlane;
            var server = controlPlane.Server;
            try
            {
                await controlPlane.StartAsync(null, CancellationToken.None);
            }
            catch (ControlPlaneDatabaseException e)
            {
                await Console.Error.WriteLineAsync($"agent dev: {e.Message}");
                return 1;
            }
            catch (IOException e)
            {
                await Console.Error.WriteLineAsync($"agent dev: cannot listen on {result.GetValue(address)}: {e.Message}");
                return 1;
            }

            var userToken = definition.UserTokens[0];
            var exitCode = await RunCommand.RunAgentAsync(
                ControlPlaneEndpoints.Of(server.Address),
                agent.Token,
                logDirectory,
                AgentOptions.Default,
                new AgentServicesOptions { Ssh = sshSetup, DataDirectory = data, ApiAddress = apiAddress, Terminal = terminalOptions },
                loggerFactory,
                async () => await PrintBannerAsync(
                    new Banner(server.Address, file, agent.Name, userToken, agent.Token, TokensOrigin(tokens, userToken, agent.Token), logDirectory),
                    await DevSsh.PrepareAsync(data, server.Address, agent.Name, userToken, sshSetup.PublicKeys)));
            await server.StopAsync();
            return exitCode;
        });
        return command;
    }

    private static string FindDemoWorkspace()
    {
        var beside = Path.Join(AppContext.BaseDirectory, DemoWorkspace);
        return File.Exists(beside) ? beside : Path.GetFullPath(DemoWorkspace);
    }

    /// <summary>Where the tokens in use come from: <c>agent dev</c>'s own (kept in its data directory) or the workspace file.</summary>
    private static string TokensOrigin(DevTokens tokens, string userToken, string agentToken)
        => (userToken == tokens.User, agentToken == tokens.Agent) switch
        {
            (true, true) => $"made on the first run, kept 0600 in {tokens.Directory}",
            (false, false) => "from the workspace file",
            (true, false) => $"the agent's from the workspace file, the user's kept 0600 in {tokens.Directory}",
            (false, true) => $"the user's from the workspace file, the agent's kept 0600 in {tokens.Directory}",
        };

    private static async Task PrintBannerAsync(Banner banner, string ssh)
    {
        var (url, workspace, agent, token, agentToken, tokensOrigin, logDirectory) = banner;
        var root = url.ToString().TrimEnd('/');
        await Console.Out.WriteLineAsync($"""

            Control plane  {root}  (workspace {workspace})
            Agent          "{agent}" running here; script logs in {logDirectory}
            Tokens         user {token}, agent {agentToken}  ({tokensOrigin})

            Dashboard:       {root}/login?token={token}
            Watch it live:   agent monitor --url {root} --token {token} --agent {agent}
                             (from a checkout: dotnet run --project Agent.Runtime -- monitor --url {root} --token {token})
            Ask the API:     curl -H 'Coder-Session-Token: {token}' {root}/api/v2/workspaceagents/{agent}
            Event stream:    curl -N '{root}/api/v2/workspaceagents/{agent}/events?coder_session_token={token}'
            Web terminal:    {root}/terminal?agent={agent}&token={token}
            SSH:             {ssh}
            SSH config:      agent config-ssh --url {root} --token {token}   (then: ssh agent.{agent}, or VS Code Remote-SSH)
            Stop:            Ctrl+C runs the shutdown script and reports "off"; press it again to stop at once.

            """);
    }

    /// <summary>What the banner shows.</summary>
    private sealed record Banner(Uri Url, string Workspace, string Agent, string UserToken, string AgentToken, string TokensOrigin, string LogDirectory);
}
