using System.Text.RegularExpressions;
using Agent.Runtime.Commands;
using Agent.Specs.Utilities;

namespace Agent.Specs.Runtime.Commands;

public sealed class DevTokensSpecs : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task LoadOrCreate_FirstRun_MakesRandomTokensKept0600()
    {
        var tokens = await DevTokens.LoadOrCreateAsync(_data.Path, CancellationToken.None);

        Assert.Matches("^[A-Za-z0-9_-]{43}$", tokens.User);
        Assert.Matches("^[0-9a-f]{32}$", tokens.Agent);
        Assert.Equal(_data.Combine("dev"), tokens.Directory);
        Assert.Equal(tokens.User, (await File.ReadAllTextAsync(_data.Combine("dev", DevTokens.UserFile))).Trim());
        Assert.Equal(tokens.Agent, (await File.ReadAllTextAsync(_data.Combine("dev", DevTokens.AgentFile))).Trim());
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(_data.Combine("dev", DevTokens.UserFile)));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(_data.Combine("dev", DevTokens.AgentFile)));
        Assert.True(Guid.TryParse(tokens.Agent, out _), "the control plane reads an agent token as a UUID");
    }

    [Fact]
    public async Task LoadOrCreate_LaterRun_ReusesTheKeptTokens()
    {
        var first = await DevTokens.LoadOrCreateAsync(_data.Path, CancellationToken.None);

        var second = await DevTokens.LoadOrCreateAsync(_data.Path, CancellationToken.None);

        Assert.Equal(first, second);
    }

    [Fact]
    public async Task LoadOrCreate_TwoMachines_GetDifferentTokens()
    {
        using var other = new TempDirectory();

        var one = await DevTokens.LoadOrCreateAsync(_data.Path, CancellationToken.None);
        var two = await DevTokens.LoadOrCreateAsync(other.Path, CancellationToken.None);

        Assert.NotEqual(one.User, two.User);
        Assert.NotEqual(one.Agent, two.Agent);
    }

    [Theory]
    [InlineData(DevTokens.UserFile, "FvQfx-rfmvIPII5Ot4p1_L8BDwXN-q1zSE2ZodjKBcU", OwnerOnly)] // published in README
    [InlineData(DevTokens.UserFile, "short", OwnerOnly)]
    [InlineData(DevTokens.AgentFile, "17e4595d6b8c3dc7e6d1d56b652fcaa5", OwnerOnly)] // published in README
    [InlineData(DevTokens.AgentFile, "0123456789abcdef0123456789abcdef", OwnerOnly | UnixFileMode.OtherRead)]
    public async Task LoadOrCreate_KeptTokenPublishedMalformedOrReadableByOthers_IsReplaced(string file, string content, UnixFileMode mode)
    {
        Directory.CreateDirectory(_data.Combine("dev"));
        var path = _data.Combine("dev", file);
        await File.WriteAllTextAsync(path, content);
        File.SetUnixFileMode(path, mode);

        var tokens = await DevTokens.LoadOrCreateAsync(_data.Path, CancellationToken.None);

        Assert.NotEqual(content, file == DevTokens.UserFile ? tokens.User : tokens.Agent);
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));
    }

    [Fact]
    public async Task LoadOrCreate_KeptFileIsASymlink_TheLinkIsReplacedAndItsTargetUntouched()
    {
        Directory.CreateDirectory(_data.Combine("dev"));
        var target = _data.Combine("elsewhere");
        await File.WriteAllTextAsync(target, "0123456789abcdef0123456789abcdef");
        File.CreateSymbolicLink(_data.Combine("dev", DevTokens.AgentFile), target);

        var tokens = await DevTokens.LoadOrCreateAsync(_data.Path, CancellationToken.None);

        Assert.NotEqual("0123456789abcdef0123456789abcdef", tokens.Agent);
        Assert.Null(new FileInfo(_data.Combine("dev", DevTokens.AgentFile)).LinkTarget);
        Assert.Equal("0123456789abcdef0123456789abcdef", await File.ReadAllTextAsync(target));
    }

    [Fact]
    public void NewTokens_AreHexOrBase64UrlOfAtLeast128Bits()
    {
        Assert.Equal(16, Convert.FromHexString(DevTokens.NewAgentToken()).Length);
        Assert.Equal(32, System.Buffers.Text.Base64Url.DecodeFromChars(DevTokens.NewUserToken()).Length);
        Assert.DoesNotMatch(new Regex("[+/=]"), DevTokens.NewUserToken());
    }
}
