namespace Agent.Runtime.ControlPlane;

/// <summary>A report could not be kept: the control plane answers 503 and does not take it.</summary>
public sealed class AgentJournalException : Exception
{
    public AgentJournalException()
    {
    }

    public AgentJournalException(string message)
        : base(message)
    {
    }

    public AgentJournalException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
