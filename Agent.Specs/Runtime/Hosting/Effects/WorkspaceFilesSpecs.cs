using System.Text.Json.Nodes;
using Agent.Runtime.Hosting.Effects;
using Agent.Specs.Utilities;
using Microsoft.Extensions.Logging;

namespace Agent.Specs.Runtime.Hosting.Effects;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class WorkspaceFilesSpecs : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("workspace-files-").FullName;
    private readonly Dictionary<string, string> _variables = [];
    private readonly RecordingLogger<WorkspaceFiles> _logger = new();

    private string VsCodeServer => Path.Combine(_home, ".vscode-server", "data", "Machine", "settings.json");

    private string CodeServer => Path.Combine(_home, ".local", "share", "code-server", "Machine", "settings.json");

    public void Dispose() => Directory.Delete(_home, recursive: true);

    [Fact]
    public async Task Override_NoFiles_CreatesBothWithTabsMode0600AndPrivateParents()
    {
        await Files().OverrideVsCodeGitAuthAsync(CancellationToken.None);

        foreach (var path in new[] { CodeServer, VsCodeServer })
        {
            Assert.Equal("{\n\t\"git.useIntegratedAskPass\": false,\n\t\"github.gitAuthentication\": false\n}", File.ReadAllText(path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(_home, ".vscode-server")));
    }

    [Fact]
    public async Task Override_ExistingSettings_KeepsOtherKeysAndReplacesValues()
    {
        Write(VsCodeServer, """{"editor.fontSize": 14, "git.useIntegratedAskPass": true, "nested": {"a": [1, 2]}}""");
        File.SetUnixFileMode(VsCodeServer, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        await Files().OverrideVsCodeGitAuthAsync(CancellationToken.None);

        var settings = JsonNode.Parse(File.ReadAllText(VsCodeServer))!.AsObject();
        Assert.Equal(["editor.fontSize", "git.useIntegratedAskPass", "nested", "github.gitAuthentication"], settings.Select(pair => pair.Key));
        Assert.Equal(14, settings["editor.fontSize"]!.GetValue<int>());
        Assert.False(settings["git.useIntegratedAskPass"]!.GetValue<bool>());
        Assert.False(settings["github.gitAuthentication"]!.GetValue<bool>());
        Assert.Equal(2, settings["nested"]!["a"]![1]!.GetValue<int>());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(VsCodeServer));
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("[1, 2]")]
    [InlineData("{\n  // a comment\n  \"a\": 1\n}")]
    [InlineData("{\"a\": 1, \"a\": 2}")]
    public async Task Override_InvalidSettings_LeftAloneWithWarningOtherFileStillWritten(string content)
    {
        Write(VsCodeServer, content);

        await Files().OverrideVsCodeGitAuthAsync(CancellationToken.None);

        Assert.Equal(content, File.ReadAllText(VsCodeServer));
        Assert.Contains(_logger.Entries, entry => entry.Level == LogLevel.Warning && entry.Text.Contains(VsCodeServer, StringComparison.Ordinal));
        Assert.Contains("\"github.gitAuthentication\": false", File.ReadAllText(CodeServer), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Override_XdgDataHomeSet_CodeServerSettingsGoThere()
    {
        var dataHome = Path.Combine(_home, "xdg");
        _variables["XDG_DATA_HOME"] = dataHome;

        await Files().OverrideVsCodeGitAuthAsync(CancellationToken.None);

        Assert.True(File.Exists(Path.Combine(dataHome, "code-server", "Machine", "settings.json")));
        Assert.False(File.Exists(CodeServer));
    }

    [Fact]
    public async Task Override_SettingsIsSymlink_TargetUpdatedLinkKept()
    {
        var real = Path.Combine(_home, "dotfiles", "settings.json");
        Write(real, "{\"a\": 1}");
        Directory.CreateDirectory(Path.GetDirectoryName(VsCodeServer)!);
        File.CreateSymbolicLink(VsCodeServer, real);

        await Files().OverrideVsCodeGitAuthAsync(CancellationToken.None);

        Assert.Equal(real, new FileInfo(VsCodeServer).LinkTarget);
        Assert.Equal(3, JsonNode.Parse(File.ReadAllText(real))!.AsObject().Count);
    }

    [Fact]
    public async Task Override_EmptyFile_TreatedAsEmptyObject()
    {
        Write(CodeServer, string.Empty);

        await Files().OverrideVsCodeGitAuthAsync(CancellationToken.None);

        Assert.Equal(2, JsonNode.Parse(File.ReadAllText(CodeServer))!.AsObject().Count);
    }

    [Fact]
    public async Task Override_UnwritableDirectory_LoggedNotThrown()
    {
        if (Environment.UserName == "root")
        {
            // root ignores directory permissions; a file in the way of a directory fails for everyone.
            Write(Path.Combine(_home, ".vscode-server", "data"), "a file where a directory belongs");
        }
        else
        {
            Directory.CreateDirectory(Path.Combine(_home, ".vscode-server"), UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }

        await Files().OverrideVsCodeGitAuthAsync(CancellationToken.None);

        Assert.Contains(_logger.Entries, entry => entry.Level == LogLevel.Warning && entry.Text.Contains(VsCodeServer, StringComparison.Ordinal));
        Assert.True(File.Exists(CodeServer));
        Assert.Empty(Directory.GetFiles(_home, "*.tmp", SearchOption.AllDirectories));
    }

    private static void Write(string path, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    private WorkspaceFiles Files() => new(_home, name => _variables.GetValueOrDefault(name), _logger);
}
