using System.Runtime.InteropServices;

namespace Agent.Runtime.Os.Interop;

/// <summary>
/// The process's limit on open descriptors (<c>RLIMIT_NOFILE</c>). A control plane holds two per connected agent (its
/// relay and its HTTP connection), and systemd and most shells start processes with a soft limit of 1024 under a hard
/// limit that is far higher; the JIT runtime raises it by itself, NativeAOT does not. <see cref="RaiseSoftToHard"/>
/// lifts the soft limit to the hard one, as the kernel allows any process to.
/// </summary>
internal static class DescriptorLimit
{
    /// <summary>The soft and hard limits; throws <see cref="IOException"/> when they cannot be read.</summary>
    public static unsafe (ulong Soft, ulong Hard) Read()
    {
        LibC.ResourceLimit limit;
        if (LibC.GetResourceLimit(LibC.RLIMIT_NOFILE, &limit) != 0)
            throw new IOException($"getrlimit failed: {Marshal.GetLastPInvokeErrorMessage()}");
        return (limit.Current, limit.Maximum);
    }

    /// <summary>Sets the soft limit (at most the hard one); null on success, else why it failed.</summary>
    public static unsafe string? TrySetSoft(ulong soft)
    {
        var (_, hard) = Read();
        var limit = new LibC.ResourceLimit { Current = soft, Maximum = hard };
        return LibC.SetResourceLimit(LibC.RLIMIT_NOFILE, &limit) == 0 ? null : $"setrlimit failed: {Marshal.GetLastPInvokeErrorMessage()}";
    }

    /// <summary>Raises the soft limit to the hard limit; nothing changes when they are equal or on failure.</summary>
    public static DescriptorLimitOutcome RaiseSoftToHard()
    {
        ulong soft, hard;
        try
        {
            (soft, hard) = Read();
        }
        catch (IOException e)
        {
            return new DescriptorLimitOutcome(0, 0, e.Message);
        }

        if (soft >= hard)
            return new DescriptorLimitOutcome(soft, soft, null);
        var error = TrySetSoft(hard);
        return new DescriptorLimitOutcome(soft, error is null ? hard : soft, error);
    }
}
