namespace Agent.Reactive.Protocol;

/// <summary>The <see cref="ConnectionReport.Action"/> values (Coder's <c>Connection.Action</c>).</summary>
public static class ConnectionActions
{
    public const string Connect = "connect";
    public const string Disconnect = "disconnect";
}
