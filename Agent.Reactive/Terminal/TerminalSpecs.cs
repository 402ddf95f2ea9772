using Agent.Reactive.Effects;
using Agent.Reactive.Protocol;
using Agent.Reactive.Shell;

namespace Agent.Reactive.Terminal;

/// <summary>What a new reconnecting terminal runs: the session environment of the current manifest plus <c>TERM</c>.</summary>
public static class TerminalSpecs
{
    /// <summary>The terminal type of the web terminal (xterm.js), as Coder sets it.</summary>
    public const string Term = "xterm-256color";

    /// <summary>Size used when the client sent none.</summary>
    public const ushort DefaultColumns = 80;

    /// <summary>Size used when the client sent none.</summary>
    public const ushort DefaultRows = 24;

    /// <summary>
    /// Builds the spec factory for <see cref="TerminalSessions"/>: <paramref name="current"/> gives the current
    /// manifest (<c>null</c> before the first) and the agent's session token; the directory is the manifest's
    /// (already expanded), else the home directory.
    /// </summary>
    public static Func<TerminalAttachRequest, PtySpec> FromManifest(Func<(Manifest? Manifest, string Token)> current, AgentEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(environment);
        return request =>
        {
            var (manifest, token) = current();
            manifest ??= new Manifest();
            var variables = new List<KeyValuePair<string, string>>(ShellEnvironment.Build(manifest, environment, token))
            {
                new("TERM", Term),
            };
            return new PtySpec(
                request.Command,
                string.IsNullOrEmpty(manifest.Directory) ? null : manifest.Directory,
                variables,
                request.Columns == 0 ? DefaultColumns : request.Columns,
                request.Rows == 0 ? DefaultRows : request.Rows,
                Origin: new PtyOrigin("terminal", $"web terminal {request.Id}"));
        };
    }
}
