using Agent.Runtime.Cli;

return await AgentCommandLine.RunAsync(args);
