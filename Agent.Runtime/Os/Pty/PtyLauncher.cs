using System.ComponentModel;
using System.Runtime.InteropServices;
using Agent.Reactive.Effects;
using Agent.Runtime.Os.Interop;
using Agent.Runtime.Os.Processes;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Agent.Runtime.Os.Pty;

/// <summary>
/// Starts <c>&lt;login shell&gt; -l</c> (empty command) or <c>&lt;login shell&gt; -c &lt;command&gt;</c> on a new
/// pseudo-terminal: <c>posix_openpt</c>, <c>grantpt</c>, <c>unlockpt</c>, the initial size set with
/// <c>TIOCSWINSZ</c>, the requested terminal modes with <c>tcsetattr</c> (<see cref="TerminalAttributes"/>), then
/// <see cref="SpawnBuilder"/> in a new session (the slave that the child opens as fd 0 becomes its controlling
/// terminal); fds 1 and 2 duplicate fd 0. The environment is the agent's own
/// overlaid by <see cref="PtySpec.Environment"/> (later entries win); the working directory falls back to the home
/// directory when missing. No fork from managed code.
/// </summary>
public sealed class PtyLauncher : IPtyLauncher
{
    private readonly ILogger _logger;
    private readonly string _shell;

    public PtyLauncher(ILogger<PtyLauncher> logger)
        : this(logger, LoginShell.ResolveShell())
    {
    }

    /// <summary>Uses <paramref name="shell"/> instead of the login shell.</summary>
    public PtyLauncher(ILogger<PtyLauncher> logger, string shell)
    {
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentException.ThrowIfNullOrEmpty(shell);
        _logger = logger;
        _shell = shell;
    }

    /// <summary>The shell every terminal runs.</summary>
    public string Shell => _shell;

    /// <exception cref="Win32Exception">The terminal could not be opened or the shell could not be started.</exception>
    public IPtyProcess Start(PtySpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        IReadOnlyList<string> arguments = spec.Command.Length == 0 ? [_shell, "-l"] : [_shell, "-c", spec.Command];
        var directory = ChildProcessSetup.WorkingDirectory(spec.WorkingDirectory);

        var master = OpenMaster(out var terminalName);
        var environment = ChildProcessSetup.Environment(spec.TerminalNameVariable is { } variable
            ? [.. spec.Environment, new KeyValuePair<string, string>(variable, terminalName)]
            : spec.Environment);
        SpawnedChild child;
        try
        {
            SetSize(master, spec.Columns, spec.Rows);
            if (spec.Modes is { Count: > 0 } modes)
                SetModes(master, terminalName, modes);
            child = Spawn(_shell, arguments, environment, directory, terminalName);
        }
        catch
        {
            master.Dispose();
            throw;
        }

        _logger.TerminalStarted(_shell, child.Id, terminalName, spec.Columns, spec.Rows);
        return new PtyProcess(child, master, terminalName, _logger);
    }

    /// <summary>Sets the window size of the terminal behind <paramref name="master"/>.</summary>
    internal static unsafe void SetSize(SafeFileHandle master, ushort columns, ushort rows)
    {
        var size = new WindowSize { Columns = columns, Rows = rows };
        var added = false;
        try
        {
            master.DangerousAddRef(ref added);
            if (PtyInterop.SetWindowSize((int)master.DangerousGetHandle(), PtyInterop.TIOCSWINSZ, &size) != 0)
                throw new Win32Exception(Marshal.GetLastPInvokeError(), "ioctl(TIOCSWINSZ) failed");
        }
        finally
        {
            if (added)
                master.DangerousRelease();
        }
    }

    /// <summary>Opens a new pseudo-terminal's master side (non-blocking, close-on-exec) and names its slave.</summary>
    internal static unsafe SafeFileHandle OpenMaster(out string terminalName)
    {
        var fd = PtyInterop.OpenMaster(PtyInterop.O_RDWR | PtyInterop.O_NOCTTY | LibC.O_CLOEXEC);
        if (fd < 0)
            throw new Win32Exception(Marshal.GetLastPInvokeError(), "posix_openpt failed");
        var master = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            if (PtyInterop.GrantSlave(fd) != 0)
                throw new Win32Exception(Marshal.GetLastPInvokeError(), "grantpt failed");
            if (PtyInterop.UnlockSlave(fd) != 0)
                throw new Win32Exception(Marshal.GetLastPInvokeError(), "unlockpt failed");
            var name = stackalloc byte[PtyInterop.TerminalNameSize];
            var error = PtyInterop.SlaveName(fd, name, PtyInterop.TerminalNameSize);
            if (error != 0)
                throw new Win32Exception(error, "ptsname_r failed");
            terminalName = Marshal.PtrToStringUTF8((nint)name) ?? throw new InvalidOperationException("ptsname_r returned no name");

            // The master is non-blocking: reads and writes that would block wait for POLLIN or POLLOUT on the
            // readiness poller instead of blocking a thread.
            var flags = PtyInterop.Control(fd, PtyInterop.F_GETFL, 0);
            if (flags < 0 || PtyInterop.Control(fd, PtyInterop.F_SETFL, flags | PtyInterop.O_NONBLOCK) != 0)
                throw new Win32Exception(Marshal.GetLastPInvokeError(), "fcntl(O_NONBLOCK) failed");
            return master;
        }
        catch
        {
            master.Dispose();
            throw;
        }
    }

    private static SpawnedChild Spawn(string path, IReadOnlyList<string> arguments, IReadOnlyList<string> environment, string workingDirectory, string terminalName)
    {
        try
        {
            // Opening the slave without O_NOCTTY in the new session makes it the controlling terminal.
            return new SpawnBuilder(path, arguments, environment)
                .NewSession()
                .Open(0, terminalName, PtyInterop.O_RDWR)
                .Duplicate(0, 1)
                .Duplicate(0, 2)
                .InDirectory(workingDirectory)
                .Start();
        }
        catch (Win32Exception e)
        {
            throw new Win32Exception(e.NativeErrorCode, $"Cannot start {path} on {terminalName}: {e.Message}");
        }
    }

    // Before the process starts, as sshd does; a terminal whose modes cannot be set still starts, with the defaults.
    private void SetModes(SafeFileHandle master, string terminalName, IReadOnlyList<TerminalMode> modes)
    {
        try
        {
            var ignored = TerminalAttributes.Set(master, modes);
            _logger.TerminalModesApplied(terminalName, modes.Count, string.Join(' ', ignored));
        }
        catch (Win32Exception e)
        {
            _logger.TerminalModesNotApplied(terminalName, e.Message);
        }
    }
}
