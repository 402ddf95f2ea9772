using System.Text.Json;
using System.Text.Json.Nodes;
using Agent.Reactive.Effects;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Hosting.Effects;

/// <summary>
/// The file effects of the core. For VS Code Remote (<c>~/.vscode-server/data/Machine/settings.json</c>) and
/// code-server (<c>$XDG_DATA_HOME/code-server/Machine/settings.json</c>, default <c>~/.local/share</c>) it
/// turns off the editors' own Git askpass so <c>GIT_ASKPASS</c> (the agent) answers. A missing file starts
/// from <c>{}</c>; a file that is not a plain JSON object (including JSON with comments, which could not be
/// written back without losing them) is logged and left alone. Other keys keep their order. The file is
/// replaced atomically (written beside it, then renamed) with mode 0600; missing parents are created 0700.
/// </summary>
public sealed class WorkspaceFiles : IWorkspaceFiles
{
    private const UnixFileMode OwnerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Settings files larger than this are not touched.</summary>
    private const long MaxSettingsBytes = 4 * 1024 * 1024;

    private static readonly JsonWriterOptions WriterOptions = new() { Indented = true, IndentCharacter = '\t', IndentSize = 1 };

    private readonly string _homeDirectory;
    private readonly Func<string, string?> _getVariable;
    private readonly ILogger _logger;

    public WorkspaceFiles(string homeDirectory, Func<string, string?> getVariable, ILogger<WorkspaceFiles> logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(homeDirectory);
        _homeDirectory = homeDirectory;
        _getVariable = getVariable;
        _logger = logger;
    }

    /// <summary>The two settings files, code-server first.</summary>
    public IReadOnlyList<string> VsCodeSettingsPaths
    {
        get
        {
            var dataHome = _getVariable("XDG_DATA_HOME");
            if (string.IsNullOrEmpty(dataHome))
                dataHome = Path.Combine(_homeDirectory, ".local", "share");
            return
            [
                Path.Combine(dataHome, "code-server", "Machine", "settings.json"),
                Path.Combine(_homeDirectory, ".vscode-server", "data", "Machine", "settings.json"),
            ];
        }
    }

    public async Task OverrideVsCodeGitAuthAsync(CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException("Settings files are written with Unix file modes.");
        foreach (var path in VsCodeSettingsPaths)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                await OverrideAsync(path, cancellationToken);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                _logger.SettingsNotUpdated(exception, path);
            }
        }
    }

    // Like Go's MkdirAll(dir, 0700): every directory created gets 0700, not only the last one.
    private static void CreatePrivateDirectories(string directory)
    {
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException("Directories are created with Unix file modes.");
        var missing = new Stack<string>();
        for (var current = directory; !string.IsNullOrEmpty(current) && !Directory.Exists(current); current = Path.GetDirectoryName(current))
            missing.Push(current);
        while (missing.TryPop(out var next))
            Directory.CreateDirectory(next, OwnerDirectory);
    }

    private static JsonObject? Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return [];
        try
        {
            if (JsonNode.Parse(text) is not JsonObject settings)
                return null;

            // JsonObject materializes lazily; touching it now surfaces duplicate keys here, not while mutating.
            _ = settings.Count;
            return settings;
        }
        catch (Exception exception) when (exception is JsonException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    private async Task OverrideAsync(string path, CancellationToken cancellationToken)
    {
        // Through a symbolic link the real file is replaced, not the link.
        var link = new FileInfo(path);
        var target = link.LinkTarget is null ? path : link.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
        JsonObject settings;
        if (File.Exists(target))
        {
            if (new FileInfo(target).Length > MaxSettingsBytes)
            {
                _logger.SettingsTooLarge(target, MaxSettingsBytes);
                return;
            }

            var parsed = Parse(await File.ReadAllTextAsync(target, cancellationToken));
            if (parsed is null)
            {
                _logger.SettingsNotAnObject(target);
                return;
            }

            settings = parsed;
        }
        else
        {
            settings = [];
        }

        settings["git.useIntegratedAskPass"] = false;
        settings["github.gitAuthentication"] = false;
        await WriteAsync(target, settings, cancellationToken);
        _logger.GitAuthenticationTurnedOff(target);
    }

    private async Task WriteAsync(string path, JsonObject settings, CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException("Settings files are written with Unix file modes.");
        var directory = Path.GetDirectoryName(path)!;
        CreatePrivateDirectories(directory);

        using var buffer = new MemoryStream();
        await using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
            settings.WriteTo(writer);

        var temporary = Path.Combine(directory, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerFile };
            await using (var file = new FileStream(temporary, options))
            {
                File.SetUnixFileMode(file.SafeFileHandle, OwnerFile);
                await file.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), cancellationToken);
                await file.FlushAsync(cancellationToken);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }

        _logger.SettingsWritten(buffer.Length, path);
    }
}
