namespace Agent.Reactive.Protocol;

/// <summary>The header Coder reads a token from (<c>codersdk.SessionTokenHeader</c>): agent tokens and user tokens alike.</summary>
public static class SessionTokenHeader
{
    public const string Name = "Coder-Session-Token";
}
