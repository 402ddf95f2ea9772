namespace Agent.Reactive.Effects;

/// <summary>The few file-system effects the core decides on but does not perform itself.</summary>
public interface IWorkspaceFiles
{
    /// <summary>
    /// Sets <c>git.useIntegratedAskPass=false</c> and <c>github.gitAuthentication=false</c> in the
    /// machine settings of VS Code Remote and code-server, so Git uses the agent's askpass.
    /// </summary>
    Task OverrideVsCodeGitAuthAsync(CancellationToken cancellationToken);
}
