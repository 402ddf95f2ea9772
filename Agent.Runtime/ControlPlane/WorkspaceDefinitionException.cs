namespace Agent.Runtime.ControlPlane;

/// <summary>A workspace file could not be read or does not describe a usable workspace; the message says where.</summary>
public sealed class WorkspaceDefinitionException : Exception
{
    public WorkspaceDefinitionException()
    {
    }

    public WorkspaceDefinitionException(string message)
        : base(message)
    {
    }

    public WorkspaceDefinitionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
