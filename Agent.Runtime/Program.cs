using Agent.Runtime.Commands;

return await AgentCommandLine.RunAsync(args);
