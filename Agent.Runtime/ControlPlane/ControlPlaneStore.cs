using System.Reactive.Concurrency;
using System.Security.Cryptography;
using System.Text;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// The in-memory state of the embedded control plane: one <see cref="ControlPlaneAgent"/> per agent of the
/// workspace file, found by name (user API) or by token (agent API), the user tokens and the dashboard's sign-ins. Each agent keeps its
/// reports in the journal <c>journals</c> gives it (the database).
/// </summary>
public sealed class ControlPlaneStore : IDisposable
{
    private readonly Dictionary<string, ControlPlaneAgent> _byName;
    private readonly Dictionary<Guid, ControlPlaneAgent> _byToken;
    private readonly byte[][] _userTokens;

    public ControlPlaneStore(WorkspaceDefinition workspace, IScheduler scheduler, TimeSpan agentTimeout, Func<WorkspaceAgentDefinition, IAgentJournal> journals, TimeProvider? clock = null, IBrowserSessionStore? sessions = null)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(journals);
        workspace = workspace.Checked();
        Agents = workspace.Agents.Select(definition => new ControlPlaneAgent(definition, scheduler, agentTimeout, journals(definition))).ToList();
        GitSshKey = workspace.GitSshKey;
        GitAuth = new GitAuthProviders(workspace.GitAuth);
        _byName = Agents.ToDictionary(agent => agent.Name, StringComparer.Ordinal);
        _byToken = Agents.ToDictionary(agent => agent.Token);
        _userTokens = workspace.UserTokens.Select(Encoding.UTF8.GetBytes).ToArray();
        var userTokens = workspace.UserTokens.Distinct(StringComparer.Ordinal).ToDictionary(BearerSecrets.Digest, StringComparer.Ordinal);
        Sessions = new BrowserSessions(clock ?? TimeProvider.System, sessions, userTokens.GetValueOrDefault);
    }

    /// <summary>The agents, in the order of the workspace file.</summary>
    public IReadOnlyList<ControlPlaneAgent> Agents { get; }

    /// <summary>The workspace owner's key for git over SSH, or <c>null</c> when the workspace file has none.</summary>
    public GitSshKeyDefinition? GitSshKey { get; }

    /// <summary>The credentials for git remotes over HTTP(S).</summary>
    public GitAuthProviders GitAuth { get; }

    /// <summary>The dashboard's sign-ins, each made from one of the user tokens.</summary>
    internal BrowserSessions Sessions { get; }

    /// <summary>The agent called <paramref name="name"/>, or <c>null</c>.</summary>
    public ControlPlaneAgent? FindByName(string name) => _byName.GetValueOrDefault(name);

    /// <summary>Writes what every agent's journal holds pending and closes the journals (again: nothing).</summary>
    public async Task CloseJournalsAsync()
    {
        foreach (var agent in Agents)
            await agent.Journal.DisposeAsync();
    }

    public void Dispose()
    {
        foreach (var agent in Agents)
            agent.Dispose();
    }

    internal ControlPlaneAgent? FindByToken(Guid token) => _byToken.GetValueOrDefault(token);

    /// <summary>Whether <paramref name="token"/> is a user token; compared in constant time.</summary>
    internal bool IsUserToken(string token)
    {
        var candidate = Encoding.UTF8.GetBytes(token);
        var found = false;
        foreach (var known in _userTokens)
            found |= CryptographicOperations.FixedTimeEquals(candidate, known);
        return found;
    }
}
