using Agent.Runtime.Commands;
using Agent.Runtime.Os.Processes;

// The priority wrapper runs before anything else starts: it only sets two values and execs the child's program.
if (args is [PriorityWrapper.Command, ..])
    return PriorityExec.Run(args);

return await AgentCommandLine.RunAsync(args);
