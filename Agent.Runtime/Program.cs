using Agent.Runtime.Commands;
using Agent.Runtime.Commands.ConfigSsh;
using Agent.Runtime.Commands.Git;
using Agent.Runtime.Commands.Monitor;
using Agent.Runtime.Commands.PortForward;
using Agent.Runtime.Hosting;

return await AgentCommandLine.RunAsync(args);
