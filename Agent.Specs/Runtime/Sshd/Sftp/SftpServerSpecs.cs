using System.Buffers.Binary;
using System.Text;
using Agent.Runtime.Sshd.Sftp;
using Agent.Specs.Utilities;

namespace Agent.Specs.Runtime.Sshd.Sftp;

public sealed class SftpServerSpecs : IDisposable
{
    private const SftpOpenFlags CreateWrite = SftpOpenFlags.Write | SftpOpenFlags.Create | SftpOpenFlags.Truncate;
    private readonly TempDirectory _home = new();

    public void Dispose() => _home.Dispose();

    [Fact]
    public async Task Init_AnyClient_AnswersVersion3WithOpenSshExtensions()
    {
        await using var client = await Start();

        Assert.Equal(3u, client.Version);
        Assert.Equal("1", client.Extensions["posix-rename@openssh.com"]);
        Assert.Equal("2", client.Extensions["statvfs@openssh.com"]);
        Assert.Equal("2", client.Extensions["fstatvfs@openssh.com"]);
        Assert.Equal("1", client.Extensions["fsync@openssh.com"]);
        Assert.Equal("1", client.Extensions["hardlink@openssh.com"]);
        Assert.Equal("1", client.Extensions["limits@openssh.com"]);
        Assert.Equal("1", client.Extensions["lsetstat@openssh.com"]);
        Assert.Equal("1", client.Extensions["expand-path@openssh.com"]);
    }

    [Fact]
    public async Task OpenWriteReadClose_RelativePath_RoundTripsUnderHomeAndEndsWithEof()
    {
        await using var client = await Start();
        var data = Encoding.ASCII.GetBytes("hello, sftp");

        var handle = await client.OpenHandleAsync("file.txt", CreateWrite | SftpOpenFlags.Read);
        Assert.Equal(SftpStatusCode.Ok, (await client.WriteAsync(handle, 0, data)).Status);
        Assert.Equal(SftpStatusCode.Ok, (await client.WriteAsync(handle, 100, data)).Status);
        var read = await client.ReadAsync(handle, 100, 1000);
        var eof = await client.ReadAsync(handle, 111, 1000);
        Assert.Equal(SftpStatusCode.Ok, (await client.HandleRequestAsync(SftpPacketType.Close, handle)).Status);

        Assert.Equal(data, read.Data);
        Assert.Equal(SftpStatusCode.Eof, eof.Status);
        Assert.Equal("End of file", eof.Message);
        var onDisk = await File.ReadAllBytesAsync(_home.Combine("file.txt"));
        Assert.Equal(111, onDisk.Length);
        Assert.Equal(data, onDisk[..data.Length]);
        Assert.Equal(data, onDisk[100..]);
    }

    [Fact]
    public async Task Open_MissingFileWithoutCreate_NoSuchFile()
    {
        await using var client = await Start();

        var reply = await client.OpenAsync("missing", SftpOpenFlags.Read);

        Assert.Equal(SftpStatusCode.NoSuchFile, reply.Status);
        Assert.Equal("No such file", reply.Message);
    }

    [Fact]
    public async Task Open_ExclusiveCreateOfExistingFile_Failure()
    {
        await File.WriteAllTextAsync(_home.Combine("there"), "x");
        await using var client = await Start();

        var reply = await client.OpenAsync("there", SftpOpenFlags.Write | SftpOpenFlags.Create | SftpOpenFlags.Exclusive);

        Assert.Equal(SftpStatusCode.Failure, reply.Status);
    }

    [Fact]
    public async Task Open_CreateWithPermissions_FileGetsThatMode()
    {
        await using var client = await Start();

        var handle = await client.OpenHandleAsync("secret", CreateWrite, Permissions(0x180));
        await client.HandleRequestAsync(SftpPacketType.Close, handle);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_home.Combine("secret")));
    }

    [Fact]
    public async Task Open_AppendFlag_WritesGoToTheEndWhateverTheOffset()
    {
        await File.WriteAllTextAsync(_home.Combine("log"), "abc");
        await using var client = await Start();

        var handle = await client.OpenHandleAsync("log", SftpOpenFlags.Write | SftpOpenFlags.Append);
        await client.WriteAsync(handle, 0, Encoding.ASCII.GetBytes("def"));
        await client.HandleRequestAsync(SftpPacketType.Close, handle);

        Assert.Equal("abcdef", await File.ReadAllTextAsync(_home.Combine("log")));
    }

    [Fact]
    public async Task Stat_RegularFile_ReportsSizeOwnerModeAndTimes()
    {
        var path = _home.Combine("f");
        await File.WriteAllBytesAsync(path, new byte[1234]);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        File.SetLastWriteTimeUtc(path, new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc));
        await using var client = await Start();

        var attributes = (await client.PathRequestAsync(SftpPacketType.Stat, "f")).Attributes;

        Assert.Equal(1234ul, attributes.Size);
        Assert.Equal(0x81A0u, attributes.Permissions);
        Assert.Equal(Agent.Runtime.Os.Interop.LibC.GetUid(), attributes.Uid);
        Assert.Equal((uint)new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero).ToUnixTimeSeconds(), attributes.ModificationTime);
        Assert.True(attributes.Has(SftpAttributeFlags.UidGid | SftpAttributeFlags.AccessModificationTime));
    }

    [Fact]
    public async Task LstatAndStat_SymbolicLink_LstatSeesTheLinkStatFollowsIt()
    {
        await File.WriteAllBytesAsync(_home.Combine("target"), new byte[10]);
        File.CreateSymbolicLink(_home.Combine("link"), "target");
        await using var client = await Start();

        var lstat = (await client.PathRequestAsync(SftpPacketType.Lstat, "link")).Attributes;
        var stat = (await client.PathRequestAsync(SftpPacketType.Stat, "link")).Attributes;

        Assert.Equal(0xA000u, lstat.Permissions & 0xF000);
        Assert.Equal(0x8000u, stat.Permissions & 0xF000);
        Assert.Equal(10ul, stat.Size);
    }

    [Fact]
    public async Task Fstat_OpenHandle_ReportsTheFile()
    {
        await File.WriteAllBytesAsync(_home.Combine("f"), new byte[77]);
        await using var client = await Start();

        var handle = await client.OpenHandleAsync("f", SftpOpenFlags.Read);
        var attributes = (await client.HandleRequestAsync(SftpPacketType.Fstat, handle)).Attributes;

        Assert.Equal(77ul, attributes.Size);
    }

    [Fact]
    public async Task Readdir_Directory_ListsEveryEntryWithLongNamesThenEof()
    {
        Directory.CreateDirectory(_home.Combine("dir"));
        for (var i = 0; i < 150; i++)
            await File.WriteAllTextAsync(_home.Combine("dir", $"f{i:D3}"), new string('x', i));
        Directory.CreateDirectory(_home.Combine("dir", "sub"));
        await using var client = await Start();

        var handle = (await client.PathRequestAsync(SftpPacketType.Opendir, "dir")).Handle;
        var names = new List<(string Name, string LongName, SftpAttributes Attributes)>();
        var batches = 0;
        while (true)
        {
            var reply = await client.HandleRequestAsync(SftpPacketType.Readdir, handle);
            if (reply.Type == SftpPacketType.Status)
            {
                Assert.Equal(SftpStatusCode.Eof, reply.Status);
                break;
            }

            batches++;
            Assert.True(reply.Names.Count <= SftpSession.MaxNamesPerReply);
            names.AddRange(reply.Names);
        }

        Assert.True(batches >= 2);
        Assert.Equal(153, names.Count);
        Assert.Contains(names, n => n.Name == ".");
        Assert.Contains(names, n => n.Name == "..");
        var f042 = names.Single(n => n.Name == "f042");
        Assert.Equal(42ul, f042.Attributes.Size);
        Assert.Matches(@"^-rw.{7} +1 \S+ +\S+ +42 [A-Z][a-z]{2} [ 123]\d \d\d:\d\d f042$", f042.LongName);
        Assert.StartsWith("drwx", names.Single(n => n.Name == "sub").LongName, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Opendir_NotADirectory_NoSuchFile()
    {
        await File.WriteAllTextAsync(_home.Combine("plain"), "x");
        await using var client = await Start();

        Assert.Equal(SftpStatusCode.NoSuchFile, (await client.PathRequestAsync(SftpPacketType.Opendir, "plain")).Status);
        Assert.Equal(SftpStatusCode.NoSuchFile, (await client.PathRequestAsync(SftpPacketType.Opendir, "nothing")).Status);
    }

    [Fact]
    public async Task Rename_TargetExists_FailsAndLeavesBothFiles()
    {
        await File.WriteAllTextAsync(_home.Combine("a"), "A");
        await File.WriteAllTextAsync(_home.Combine("b"), "B");
        await using var client = await Start();

        var reply = await client.TwoPathRequestAsync(SftpPacketType.Rename, "a", "b");

        Assert.Equal(SftpStatusCode.Failure, reply.Status);
        Assert.Equal("A", await File.ReadAllTextAsync(_home.Combine("a")));
        Assert.Equal("B", await File.ReadAllTextAsync(_home.Combine("b")));
    }

    [Fact]
    public async Task Rename_FreeTarget_MovesFilesAndDirectories()
    {
        await File.WriteAllTextAsync(_home.Combine("a"), "A");
        Directory.CreateDirectory(_home.Combine("d"));
        await using var client = await Start();

        Assert.Equal(SftpStatusCode.Ok, (await client.TwoPathRequestAsync(SftpPacketType.Rename, "a", "c")).Status);
        Assert.Equal(SftpStatusCode.Ok, (await client.TwoPathRequestAsync(SftpPacketType.Rename, "d", "e")).Status);

        Assert.False(File.Exists(_home.Combine("a")));
        Assert.Equal("A", await File.ReadAllTextAsync(_home.Combine("c")));
        Assert.True(Directory.Exists(_home.Combine("e")));
    }

    [Fact]
    public async Task PosixRename_TargetExists_Replaces()
    {
        await File.WriteAllTextAsync(_home.Combine("a"), "A");
        await File.WriteAllTextAsync(_home.Combine("b"), "B");
        await using var client = await Start();

        var reply = await client.ExtendedAsync("posix-rename@openssh.com", w =>
        {
            w.WriteString("a");
            w.WriteString("b");
        });

        Assert.Equal(SftpStatusCode.Ok, reply.Status);
        Assert.False(File.Exists(_home.Combine("a")));
        Assert.Equal("A", await File.ReadAllTextAsync(_home.Combine("b")));
    }

    [Fact]
    public async Task Symlink_OpenSshArgumentOrder_TargetFirstThenLinkPath()
    {
        await using var client = await Start();

        var reply = await client.TwoPathRequestAsync(SftpPacketType.Symlink, "the-target", "the-link");
        var readlink = await client.PathRequestAsync(SftpPacketType.Readlink, "the-link");

        Assert.Equal(SftpStatusCode.Ok, reply.Status);
        Assert.Equal("the-target", new FileInfo(_home.Combine("the-link")).LinkTarget);
        Assert.Equal("the-target", readlink.Names.Single().Name);
    }

    [Fact]
    public async Task Realpath_DotEmptyAndDotDot_CanonicalUnderHome()
    {
        Directory.CreateDirectory(_home.Combine("x", "y"));
        File.CreateSymbolicLink(_home.Combine("jump"), "x/y");
        await using var client = await Start();
        var home = Path.GetFullPath(_home.Path);

        Assert.Equal(home, (await client.PathRequestAsync(SftpPacketType.Realpath, ".")).Names.Single().Name);
        Assert.Equal(home, (await client.PathRequestAsync(SftpPacketType.Realpath, string.Empty)).Names.Single().Name);
        Assert.Equal(home + "/x", (await client.PathRequestAsync(SftpPacketType.Realpath, "x/y/..")).Names.Single().Name);
        Assert.Equal(home + "/x/y/new", (await client.PathRequestAsync(SftpPacketType.Realpath, "jump/new")).Names.Single().Name);
        Assert.Equal("/", (await client.PathRequestAsync(SftpPacketType.Realpath, "/../..")).Names.Single().Name);
        Assert.Equal(SftpStatusCode.NoSuchFile, (await client.PathRequestAsync(SftpPacketType.Realpath, "missing/new")).Status);
    }

    [Fact]
    public async Task ExpandPath_Tilde_IsHome()
    {
        await using var client = await Start();
        var home = Path.GetFullPath(_home.Path);

        var reply = await client.ExtendedAsync("expand-path@openssh.com", w => w.WriteString("~/docs"));

        Assert.Equal(home + "/docs", reply.Names.Single().Name);
    }

    [Fact]
    public async Task Setstat_SizePermissionsTimes_AllApplied()
    {
        var path = _home.Combine("f");
        await File.WriteAllBytesAsync(path, new byte[100]);
        await using var client = await Start();
        var attributes = new SftpAttributes(
            SftpAttributeFlags.Size | SftpAttributeFlags.Permissions | SftpAttributeFlags.AccessModificationTime,
            10, 0, 0, 0x1C0, 1_000_000_000, 1_500_000_000);

        var reply = await client.RequestAsync(SftpPacketType.Setstat, w =>
        {
            w.WriteString("f");
            attributes.Write(w);
        });

        Assert.Equal(SftpStatusCode.Ok, reply.Status);
        Assert.Equal(10, new FileInfo(path).Length);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(path));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_500_000_000).UtcDateTime, File.GetLastWriteTimeUtc(path));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_000_000_000).UtcDateTime, File.GetLastAccessTimeUtc(path));
    }

    [Fact]
    public async Task Fsetstat_SizeAndPermissions_AppliedThroughTheHandle()
    {
        var path = _home.Combine("f");
        await File.WriteAllBytesAsync(path, new byte[100]);
        await using var client = await Start();
        var handle = await client.OpenHandleAsync("f", SftpOpenFlags.Write);

        var reply = await client.RequestAsync(SftpPacketType.Fsetstat, w =>
        {
            w.WriteString(handle);
            new SftpAttributes(SftpAttributeFlags.Size | SftpAttributeFlags.Permissions, 3, 0, 0, 0x180, 0, 0).Write(w);
        });

        Assert.Equal(SftpStatusCode.Ok, reply.Status);
        Assert.Equal(3, new FileInfo(path).Length);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public async Task MkdirRmdirRemove_Paths_ChangeTheTreeAndReportErrors()
    {
        await using var client = await Start();

        Assert.Equal(SftpStatusCode.Ok, (await client.RequestAsync(SftpPacketType.Mkdir, w =>
        {
            w.WriteString("d");
            Permissions(0x1C0).Write(w);
        })).Status);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_home.Combine("d")));
        await File.WriteAllTextAsync(_home.Combine("d", "f"), "x");
        Assert.Equal(SftpStatusCode.Failure, (await client.PathRequestAsync(SftpPacketType.Rmdir, "d")).Status);
        Assert.Equal(SftpStatusCode.Ok, (await client.PathRequestAsync(SftpPacketType.Remove, "d/f")).Status);
        Assert.Equal(SftpStatusCode.NoSuchFile, (await client.PathRequestAsync(SftpPacketType.Remove, "d/f")).Status);
        Assert.Equal(SftpStatusCode.Ok, (await client.PathRequestAsync(SftpPacketType.Rmdir, "d")).Status);
        Assert.False(Directory.Exists(_home.Combine("d")));
    }

    [Fact]
    public async Task Hardlink_ExistingFile_SecondNameForTheSameFile()
    {
        await File.WriteAllTextAsync(_home.Combine("a"), "A");
        await using var client = await Start();

        var reply = await client.ExtendedAsync("hardlink@openssh.com", w =>
        {
            w.WriteString("a");
            w.WriteString("b");
        });
        await File.AppendAllTextAsync(_home.Combine("a"), "B");

        Assert.Equal(SftpStatusCode.Ok, reply.Status);
        Assert.Equal("AB", await File.ReadAllTextAsync(_home.Combine("b")));
    }

    [Fact]
    public async Task StatvfsAndFstatvfs_Home_ReportTheFileSystem()
    {
        await File.WriteAllTextAsync(_home.Combine("f"), "x");
        await using var client = await Start();
        var handle = await client.OpenHandleAsync("f", SftpOpenFlags.Read);

        var byPath = (await client.ExtendedAsync("statvfs@openssh.com", w => w.WriteString("."))).UInt64s;
        var byHandle = (await client.ExtendedAsync("fstatvfs@openssh.com", w => w.WriteString(handle))).UInt64s;

        Assert.Equal(11, byPath.Length);
        Assert.True(byPath[0] > 0 && byPath[2] > 0);
        Assert.True(byPath[10] > 0);
        Assert.Equal(byPath[0], byHandle[0]);
        Assert.Equal(byPath[2], byHandle[2]);
    }

    [Fact]
    public async Task FsyncAndLimits_Requests_Answered()
    {
        await using var client = await Start(o => o with { MaxOpenHandles = 17 });
        var handle = await client.OpenHandleAsync("f", CreateWrite);

        var fsync = await client.ExtendedAsync("fsync@openssh.com", w => w.WriteString(handle));
        var limits = (await client.ExtendedAsync("limits@openssh.com", _ => { })).UInt64s;

        Assert.Equal(SftpStatusCode.Ok, fsync.Status);
        var defaults = new SftpServerOptions { HomeDirectory = "/" };
        Assert.Equal(new ulong[] { (ulong)defaults.MaxPacketLength, (ulong)defaults.MaxReadLength, (ulong)defaults.MaxWriteLength, 17 }, limits);
    }

    [Fact]
    public async Task Read_LongerThanTheLimit_Shortened()
    {
        await File.WriteAllBytesAsync(_home.Combine("big"), new byte[300_000]);
        await using var client = await Start();
        var handle = await client.OpenHandleAsync("big", SftpOpenFlags.Read);

        var reply = await client.ReadAsync(handle, 0, 1_000_000);

        Assert.Equal(new SftpServerOptions { HomeDirectory = "/" }.MaxReadLength, reply.Data.Length);
    }

    [Fact]
    public async Task Handles_UnknownOrClosed_FailureOrNoSuchFileLikeOpenSsh()
    {
        await File.WriteAllTextAsync(_home.Combine("f"), "x");
        await using var client = await Start();
        var handle = await client.OpenHandleAsync("f", SftpOpenFlags.Read);
        await client.HandleRequestAsync(SftpPacketType.Close, handle);

        Assert.Equal(SftpStatusCode.Failure, (await client.ReadAsync(handle, 0, 10)).Status);
        Assert.Equal(SftpStatusCode.NoSuchFile, (await client.HandleRequestAsync(SftpPacketType.Close, handle)).Status);
        Assert.Equal(SftpStatusCode.Failure, (await client.HandleRequestAsync(SftpPacketType.Fstat, [1, 2, 3])).Status);
    }

    [Fact]
    public async Task ReadWrite_AgainstTheOpenMode_FailLikeOpenSsh()
    {
        await File.WriteAllTextAsync(_home.Combine("f"), "x");
        Directory.CreateDirectory(_home.Combine("d"));
        await using var client = await Start();
        var readOnly = await client.OpenHandleAsync("f", SftpOpenFlags.Read);
        var writeOnly = await client.OpenHandleAsync("f", SftpOpenFlags.Write);
        var directory = await client.OpenHandleAsync("d", SftpOpenFlags.Read);

        Assert.Equal(SftpStatusCode.NoSuchFile, (await client.WriteAsync(readOnly, 0, [1])).Status);
        Assert.Equal(SftpStatusCode.NoSuchFile, (await client.ReadAsync(writeOnly, 0, 1)).Status);
        Assert.Equal(SftpStatusCode.Failure, (await client.ReadAsync(directory, 0, 1)).Status);
        Assert.Equal("x", await File.ReadAllTextAsync(_home.Combine("f")));
    }

    [Fact]
    public async Task Open_MoreThanMaxOpenHandles_Failure()
    {
        await File.WriteAllTextAsync(_home.Combine("f"), "x");
        await using var client = await Start(o => o with { MaxOpenHandles = 2 });

        var first = await client.OpenHandleAsync("f", SftpOpenFlags.Read);
        await client.OpenHandleAsync("f", SftpOpenFlags.Read);
        var third = await client.OpenAsync("f", SftpOpenFlags.Read);
        await client.HandleRequestAsync(SftpPacketType.Close, first);
        var fourth = await client.OpenAsync("f", SftpOpenFlags.Read);

        Assert.Equal(SftpStatusCode.Failure, third.Status);
        Assert.Equal(SftpPacketType.Handle, fourth.Type);
    }

    [Fact]
    public async Task Open_SessionsSharingAHandleBudget_HoldNoMoreThanItTogether_AndAHandleClosedInOneServesTheOther()
    {
        await File.WriteAllTextAsync(_home.Combine("f"), "x");
        var budget = new SftpHandleBudget(3);
        await using var first = await Start(o => o with { HandleBudget = budget, ConnectionId = 7 });
        await using var second = await Start(o => o with { HandleBudget = budget, ConnectionId = 7 });

        var a = await first.OpenHandleAsync("f", SftpOpenFlags.Read);
        await first.OpenHandleAsync("f", SftpOpenFlags.Read);
        await second.OpenHandleAsync("f", SftpOpenFlags.Read);
        var refused = await second.OpenAsync("f", SftpOpenFlags.Read);
        var refusedDirectory = await second.PathRequestAsync(SftpPacketType.Opendir, ".");
        await first.HandleRequestAsync(SftpPacketType.Close, a);
        var afterClose = await second.OpenAsync("f", SftpOpenFlags.Read);
        var limits = (await second.ExtendedAsync("limits@openssh.com", _ => { })).UInt64s;

        Assert.Equal(SftpStatusCode.Failure, refused.Status);
        Assert.Equal("too many open handles: at most 3 per connection, all SFTP sessions together", refused.Message);
        Assert.Equal(SftpStatusCode.Failure, refusedDirectory.Status);
        Assert.Equal(SftpPacketType.Handle, afterClose.Type);
        Assert.Equal(3UL, limits[3]);
        Assert.Contains(second.Logger.Warnings, w => w.Contains("SSH connection 7", StringComparison.Ordinal));
        await first.CloseAsync();
        Assert.Equal(2, budget.Taken);
    }

    [Fact]
    public async Task ReadOnly_ChangingRequests_PermissionDeniedReadsWork()
    {
        await File.WriteAllTextAsync(_home.Combine("f"), "x");
        await using var client = await Start(o => o with { ReadOnly = true });

        Assert.Equal(SftpStatusCode.PermissionDenied, (await client.OpenAsync("g", CreateWrite)).Status);
        Assert.Equal(SftpStatusCode.PermissionDenied, (await client.PathRequestAsync(SftpPacketType.Remove, "f")).Status);
        Assert.Equal(SftpStatusCode.PermissionDenied, (await client.TwoPathRequestAsync(SftpPacketType.Rename, "f", "g")).Status);
        Assert.Equal(SftpPacketType.Handle, (await client.OpenAsync("f", SftpOpenFlags.Read)).Type);
        Assert.True(File.Exists(_home.Combine("f")));
        Assert.False(File.Exists(_home.Combine("g")));
    }

    [Fact]
    public async Task UnknownRequestAndExtension_OpUnsupported()
    {
        await using var client = await Start();

        var unknown = await client.RequestAsync((SftpPacketType)99, w => w.WriteUInt32(7));
        var extension = await client.ExtendedAsync("nothing@example.com", _ => { });

        Assert.Equal(SftpStatusCode.OpUnsupported, unknown.Status);
        Assert.Equal("Operation unsupported", unknown.Message);
        Assert.Equal(SftpStatusCode.OpUnsupported, extension.Status);
    }

    [Fact]
    public async Task Pipelining_ManyRequestsBeforeReading_RepliesInOrder()
    {
        await using var client = await Start();
        var handle = await client.OpenHandleAsync("f", CreateWrite);
        var chunk = new byte[32 * 1024];
        Random.Shared.NextBytes(chunk);

        var ids = new List<uint>();
        for (var i = 0; i < 64; i++)
        {
            ids.Add(await client.SendAsync(SftpPacketType.Write, w =>
            {
                w.WriteString(handle);
                w.WriteUInt64((ulong)(i * chunk.Length));
                w.WriteString(chunk);
            }));
        }

        var replies = new List<SftpReply>();
        for (var i = 0; i < ids.Count; i++)
            replies.Add(await client.ReceiveAsync());

        Assert.Equal(ids, replies.Select(r => r.Id));
        Assert.All(replies, r => Assert.Equal(SftpStatusCode.Ok, r.Status));
        Assert.Equal(64 * chunk.Length, new FileInfo(_home.Combine("f")).Length);
    }

    [Fact]
    public async Task Eof_ClientHangsUp_ExitStatusZero()
    {
        var client = await Start();

        Assert.Equal(0, await client.CloseAsync());
        await client.DisposeAsync();
    }

    [Fact]
    public async Task MalformedPacket_LengthOverTheLimit_EndsTheSessionWithAReason()
    {
        await using var client = await Start();
        var header = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(header, 10_000_000);

        await client.SendRawAsync(header);

        Assert.Equal(SftpServer.ProtocolErrorExitStatus, await client.Server.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains(client.Logger.Warnings, w => w.Contains("10000000", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MalformedPacket_TruncatedField_EndsTheSessionWithAReason()
    {
        await using var client = await Start();

        // An OPEN whose path string claims 100 bytes but the packet ends after 3.
        await client.SendRawAsync(SftpTestClient.Packet(w =>
        {
            w.Begin(SftpPacketType.Open, 1);
            w.WriteUInt32(100);
            w.WriteRaw("abc"u8);
            w.End();
        }));

        Assert.Equal(SftpServer.ProtocolErrorExitStatus, await client.Server.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains(client.Logger.Warnings, w => w.Contains("runs past the end", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MalformedSession_RequestBeforeInit_Ends()
    {
        var home = _home.Path;
        var toServer = new MemoryStream(SftpTestClient.Packet(w =>
        {
            w.Begin(SftpPacketType.Stat, 1);
            w.WriteString(".");
            w.End();
        }));
        var fromServer = new MemoryStream();
        var logger = new RecordingLogger();

        var status = await SftpServer.ServeAsync(toServer, fromServer, new SftpServerOptions { HomeDirectory = home }, logger, CancellationToken.None);

        Assert.Equal(SftpServer.ProtocolErrorExitStatus, status);
        Assert.Equal(0, fromServer.Length);
        Assert.Contains(logger.Warnings, w => w.Contains("before INIT", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Eof_InsideAPacket_ProtocolError()
    {
        var bytes = SftpTestClient.Packet(w =>
        {
            w.Begin(SftpPacketType.Init);
            w.WriteUInt32(3);
            w.End();
        });
        var logger = new RecordingLogger();

        var status = await SftpServer.ServeAsync(
            new MemoryStream(bytes[..^2]), new MemoryStream(), new SftpServerOptions { HomeDirectory = _home.Path }, logger, CancellationToken.None);

        Assert.Equal(SftpServer.ProtocolErrorExitStatus, status);
    }

    private static SftpAttributes Permissions(uint mode) => new(SftpAttributeFlags.Permissions, 0, 0, 0, mode, 0, 0);

    private Task<SftpTestClient> Start(Func<SftpServerOptions, SftpServerOptions>? configure = null)
    {
        var options = new SftpServerOptions { HomeDirectory = _home.Path };
        return SftpTestClient.StartAsync(configure is null ? options : configure(options));
    }
}
