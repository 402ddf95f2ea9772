using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Agent.Runtime.Ssh.Keys;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// The workspace file of the embedded control plane:
/// <c>{"user_tokens": ["..."], "agents": [{"name": "main", "token": "&lt;uuid&gt;", "manifest": {...}}]}</c>.
/// The manifest is Coder's wire manifest (durations in nanoseconds). The optional <c>git_ssh_key</c> and
/// <c>git_auth</c> are the workspace owner's git credentials, served to every agent of the workspace.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed partial record WorkspaceDefinition
{
    /// <summary>Workspace files larger than this are refused.</summary>
    public const int MaxFileBytes = 4 << 20;

    private const string Published = "is published in this project's examples, so anyone can use it: "
        + "leave it out (agent dev then makes a private one) or put a random one of your own (uuidgen; openssl rand -hex 16)";

    /// <summary>Tokens that may read the user API (agent status, logs, events).</summary>
    [JsonPropertyName("user_tokens")]
    public IReadOnlyList<string> UserTokens { get; init; } = [];

    [JsonPropertyName("agents")]
    public IReadOnlyList<WorkspaceAgentDefinition> Agents { get; init; } = [];

    /// <summary>The key <c>agent gitssh</c> uses (<c>GET me/gitsshkey</c>), or <c>null</c>.</summary>
    [JsonPropertyName("git_ssh_key")]
    public GitSshKeyDefinition? GitSshKey { get; init; }

    /// <summary>Credentials for git remotes over HTTP(S) (<c>GET me/gitauth</c>); first match wins.</summary>
    [JsonPropertyName("git_auth")]
    public IReadOnlyList<GitAuthDefinition> GitAuth { get; init; } = [];

    /// <summary>Reads and validates the workspace file at <paramref name="path"/>.</summary>
    /// <exception cref="WorkspaceDefinitionException">The file is missing, unreadable or invalid; the message says which field of which agent.</exception>
    public static WorkspaceDefinition Load(string path) => Load(path, workspace => workspace);

    /// <summary>
    /// Reads the workspace file at <paramref name="path"/>, lets <paramref name="complete"/> fill in what the file
    /// leaves out (<see cref="WithMissingTokens"/>), then validates the result.
    /// </summary>
    /// <exception cref="WorkspaceDefinitionException">The file is missing, unreadable or invalid; the message says which field of which agent.</exception>
    public static WorkspaceDefinition Load(string path, Func<WorkspaceDefinition, WorkspaceDefinition> complete)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(complete);
        string json;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
                throw new WorkspaceDefinitionException($"{path}: workspace file not found");
            if (info.Length > MaxFileBytes)
                throw new WorkspaceDefinitionException($"{path}: workspace file of {info.Length} bytes is larger than {MaxFileBytes} bytes");
            json = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new WorkspaceDefinitionException($"{path}: cannot read the workspace file: {ex.Message}", ex);
        }

        return complete(Deserialize(json, path)).Checked(path);
    }

    /// <summary>Parses and validates a workspace definition; <paramref name="source"/> names it in error messages.</summary>
    /// <exception cref="WorkspaceDefinitionException">The JSON is malformed or describes an unusable workspace.</exception>
    public static WorkspaceDefinition Parse(string json, string source = "workspace") => Deserialize(json, source).Checked(source);

    /// <summary>
    /// A copy with <paramref name="userToken"/> as the user token when the file lists none, and
    /// <paramref name="agentToken"/> as the token of agent <paramref name="agentName"/> (the first when <c>null</c>)
    /// when it has none: how <c>agent dev</c> runs the demo workspace, which carries no token, on tokens of its own.
    /// </summary>
    public WorkspaceDefinition WithMissingTokens(string? agentName, string userToken, string agentToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userToken);
        ArgumentException.ThrowIfNullOrEmpty(agentToken);
        var agents = Agents ?? [];
        var index = -1;
        for (var i = 0; i < agents.Count && index < 0; i++)
        {
            if (agentName is null || agents[i]?.Name == agentName)
                index = i;
        }

        if (index >= 0 && agents[index] is { } agent && string.IsNullOrEmpty(agent.Token))
            agents = [.. agents.Take(index), agent with { Token = agentToken }, .. agents.Skip(index + 1)];
        return this with { UserTokens = UserTokens is { Count: > 0 } ? UserTokens : [userToken], Agents = agents };
    }

    /// <summary>Checks names, tokens, app ids and metadata keys.</summary>
    /// <exception cref="WorkspaceDefinitionException">Something is missing, malformed or repeated.</exception>
    public void Validate(string source = "workspace") => _ = Checked(source);

    /// <summary>
    /// Validates, then returns a copy whose missing strings and collections are empty rather than <c>null</c>; with
    /// <c>git_auth</c> entries, every manifest's <c>git_auth_configs</c> is their count.
    /// </summary>
    internal WorkspaceDefinition Checked(string source = "workspace")
    {
        var userTokens = UserTokens ?? [];
        for (var i = 0; i < userTokens.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(userTokens[i]))
                throw new WorkspaceDefinitionException($"{source}: user_tokens[{i}] is empty");
            if (PublishedTokens.Contains(userTokens[i]))
                throw new WorkspaceDefinitionException($"{source}: user_tokens[{i}] {Published}");
        }

        if (Agents is null || Agents.Count == 0)
            throw new WorkspaceDefinitionException($"{source}: agents must list at least one agent");
        var names = new HashSet<string>(StringComparer.Ordinal);
        var tokens = new HashSet<Guid>();
        for (var i = 0; i < Agents.Count; i++)
        {
            var agent = Agents[i] ?? throw new WorkspaceDefinitionException($"{source}: agents[{i}] is null");
            var where = $"{source}: agents[{i}]";
            if (agent.Name is null || !AgentName().IsMatch(agent.Name) || agent.Name == "me")
                throw new WorkspaceDefinitionException($"{where}: name \"{agent.Name}\" must be letters, digits and inner hyphens (1-64 characters, not \"me\")");
            where = $"{source}: agent \"{agent.Name}\"";
            if (!names.Add(agent.Name))
                throw new WorkspaceDefinitionException($"{where}: the name is used by another agent");
            if (string.IsNullOrEmpty(agent.Token))
                throw new WorkspaceDefinitionException($"{where}: token is missing (a UUID, for example from uuidgen; agent dev makes one itself)");
            if (!Guid.TryParse(agent.Token, out var token))
                throw new WorkspaceDefinitionException($"{where}: token must be a UUID");
            if (PublishedTokens.Contains(agent.Token))
                throw new WorkspaceDefinitionException($"{where}: the token {Published}");
            if (!tokens.Add(token))
                throw new WorkspaceDefinitionException($"{where}: the token is used by another agent");
            if (userTokens.Contains(agent.Token, StringComparer.OrdinalIgnoreCase))
                throw new WorkspaceDefinitionException($"{where}: the token is also a user token");
            ValidateManifest(agent, where);
        }

        ValidateGitSshKey(GitSshKey, source);
        var gitAuth = ValidateGitAuth(GitAuth ?? [], source);
        var agents = gitAuth.Count == 0
            ? Agents
            : [.. Agents.Select(agent => agent with { Manifest = agent.Manifest with { GitAuthConfigs = gitAuth.Count } })];
        return this with { UserTokens = userTokens, GitAuth = gitAuth, Agents = agents };
    }

    private static WorkspaceDefinition Deserialize(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        WorkspaceDefinition? workspace;
        try
        {
            workspace = JsonSerializer.Deserialize(json, ControlPlaneJsonContext.Default.WorkspaceDefinition);
        }
        catch (JsonException ex)
        {
            var where = ex.Path is null ? string.Empty : $" at {ex.Path}";
            var line = ex.LineNumber is { } number ? $" (line {number + 1})" : string.Empty;
            throw new WorkspaceDefinitionException($"{source}: invalid JSON{where}{line}: {ex.Message}", ex);
        }

        return workspace ?? throw new WorkspaceDefinitionException($"{source}: the workspace file is JSON null, expected an object");
    }

    private static void ValidateGitSshKey(GitSshKeyDefinition? key, string source)
    {
        if (key is null)
            return;
        if (!PublicKeyLine.TryFields(key.PublicKey ?? string.Empty, out _, out _))
            throw new WorkspaceDefinitionException($"{source}: git_ssh_key.public_key must be an OpenSSH public key line (ssh-ed25519 AAAA...)");
        var privateKey = (key.PrivateKey ?? string.Empty).Trim();
        if (!privateKey.StartsWith("-----BEGIN ", StringComparison.Ordinal) || !privateKey.EndsWith("PRIVATE KEY-----", StringComparison.Ordinal))
            throw new WorkspaceDefinitionException($"{source}: git_ssh_key.private_key must be a private key in PEM form (-----BEGIN OPENSSH PRIVATE KEY----- ... -----END OPENSSH PRIVATE KEY-----)");
    }

    private static List<GitAuthDefinition> ValidateGitAuth(IReadOnlyList<GitAuthDefinition> entries, string source)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<GitAuthDefinition>(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i] ?? throw new WorkspaceDefinitionException($"{source}: git_auth[{i}] is null");
            var where = $"{source}: git_auth[{i}]";
            if (string.IsNullOrWhiteSpace(entry.Id))
                throw new WorkspaceDefinitionException($"{where} needs an id (for example \"github\")");
            where = $"{where} (\"{entry.Id}\")";
            if (!ids.Add(entry.Id))
                throw new WorkspaceDefinitionException($"{where}: the id is used by another entry");
            if (string.IsNullOrEmpty(entry.Regex))
                throw new WorkspaceDefinitionException($"{where}: regex is missing (for example \"^https://github\\\\.com(/.*)?$\")");
            if (entry.Regex.Length > GitAuthProviders.MaxPatternLength)
                throw new WorkspaceDefinitionException($"{where}: regex is longer than {GitAuthProviders.MaxPatternLength} characters");
            try
            {
                _ = GitAuthProviders.Compile(entry.Regex);
            }
            catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
            {
                throw new WorkspaceDefinitionException($"{where}: regex \"{entry.Regex}\" is not usable: {ex.Message}", ex);
            }

            if (string.IsNullOrEmpty(entry.Username))
                throw new WorkspaceDefinitionException($"{where}: username is missing (what git's \"Username for\" prompt is answered with)");
            result.Add(entry with { Password = entry.Password ?? string.Empty });
        }

        return result;
    }

    private static void ValidateManifest(WorkspaceAgentDefinition agent, string where)
    {
        var manifest = agent.Manifest ?? throw new WorkspaceDefinitionException($"{where}: manifest is missing");
        if (manifest.StartupScriptTimeout < TimeSpan.Zero || manifest.ShutdownScriptTimeout < TimeSpan.Zero)
            throw new WorkspaceDefinitionException($"{where}: script timeouts must not be negative");
        ManifestScriptsValidation.Validate(manifest, where);
        var apps = manifest.Apps ?? [];
        var metadata = manifest.Metadata ?? [];

        var appIds = new HashSet<Guid>();
        for (var i = 0; i < apps.Count; i++)
        {
            var app = apps[i] ?? throw new WorkspaceDefinitionException($"{where}: manifest.apps[{i}] is null");
            if (app.Id == Guid.Empty)
                throw new WorkspaceDefinitionException($"{where}: manifest.apps[{i}] (\"{app.Slug}\") needs an id (a UUID)");
            if (!appIds.Add(app.Id))
                throw new WorkspaceDefinitionException($"{where}: manifest.apps[{i}] (\"{app.Slug}\") repeats the id {app.Id}");
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < metadata.Count; i++)
        {
            var item = metadata[i] ?? throw new WorkspaceDefinitionException($"{where}: manifest.metadata[{i}] is null");
            if (string.IsNullOrEmpty(item.Key))
                throw new WorkspaceDefinitionException($"{where}: manifest.metadata[{i}] needs a key");
            if (!keys.Add(item.Key))
                throw new WorkspaceDefinitionException($"{where}: manifest.metadata[{i}] repeats the key \"{item.Key}\"");
            if (item.Interval < 0 || item.Timeout < 0)
                throw new WorkspaceDefinitionException($"{where}: manifest.metadata[{i}] (\"{item.Key}\") interval and timeout must not be negative");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex AgentName();
}
