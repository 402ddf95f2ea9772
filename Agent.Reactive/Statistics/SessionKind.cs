namespace Agent.Reactive.Statistics;

/// <summary>The kinds of session Coder's stats count separately.</summary>
public enum SessionKind
{
    /// <summary>An SSH session without a magic session type.</summary>
    Ssh,

    /// <summary>An SSH session with <c>CODER_SSH_SESSION_TYPE=vscode</c>.</summary>
    VsCode,

    /// <summary>An SSH session with <c>CODER_SSH_SESSION_TYPE=jetbrains</c>.</summary>
    JetBrains,

    /// <summary>A reconnecting-PTY (web terminal) connection.</summary>
    ReconnectingPty,
}
