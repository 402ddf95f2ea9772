using Agent.Runtime.Sshd.Sftp;
using Agent.Specs.Runtime.Sshd.Sftp;
using Agent.Specs.Utilities;

namespace Agent.Specs.Fuzz.Regressions;

/// <summary>
/// Found by the fuzz run (sftp-packets, seed 1, iteration 122): a WRITE at an offset beyond the file system's largest
/// file (EFBIG, which .NET throws as ArgumentOutOfRangeException) escaped the session and ended the SFTP server with
/// an unhandled exception, instead of a FAILURE status as OpenSSH's sftp-server answers. Minimised input: INIT, OPEN
/// "f" for writing, WRITE "abc" at 0x00F7000000100000 on handle 1. (The fuzz target now runs on tmpfs, which takes
/// such offsets as sparse files, so this spec keeps the case on the disk's file system.)
/// </summary>
public sealed class SftpWriteBeyondTheLargestFileSpecs
{
    // 4 EiB: beyond ext4's 16 TiB files (tmpfs, xfs and btrfs take it as a sparse file, and the spec passes either way).
    private const ulong Offset = 1UL << 62;

    [Fact]
    public async Task Write_OffsetBeyondTheLargestFile_FailureStatusAndTheSessionGoesOn()
    {
        using var home = new TempDirectory();
        await using var client = await SftpTestClient.StartAsync(new SftpServerOptions { HomeDirectory = home.Path });
        var handle = await client.OpenHandleAsync("big", SftpOpenFlags.Write | SftpOpenFlags.Create);

        var write = client.WriteAsync(handle, Offset, "abc"u8.ToArray());
        await Task.WhenAny(write, client.Server);

        Assert.False(client.Server.IsCompleted, $"the SFTP server ended: {client.Server.Exception?.InnerException}");
        Assert.Contains((await write).Status, new[] { SftpStatusCode.Failure, SftpStatusCode.Ok });
        Assert.Equal(SftpStatusCode.Ok, (await client.HandleRequestAsync(SftpPacketType.Close, handle)).Status);
    }
}
