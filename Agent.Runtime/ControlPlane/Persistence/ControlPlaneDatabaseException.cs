namespace Agent.Runtime.ControlPlane.Persistence;

/// <summary>
/// The control plane's database cannot be opened, migrated or used; the message names the database (never its
/// password) and the reason, so <c>agent server</c> can print it and exit non-zero.
/// </summary>
public sealed class ControlPlaneDatabaseException : IOException
{
    public ControlPlaneDatabaseException()
    {
    }

    public ControlPlaneDatabaseException(string message)
        : base(message)
    {
    }

    public ControlPlaneDatabaseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
