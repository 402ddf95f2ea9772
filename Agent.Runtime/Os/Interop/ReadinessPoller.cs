using System.ComponentModel;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Agent.Runtime.Os.Interop;

/// <summary>
/// One thread, waiting in <c>poll</c>, that tells every waiter when its descriptor is ready: a pidfd whose child can be
/// reaped, a pseudo-terminal that has output or room for input. It starts with the first wait and then stays (256 KiB of
/// stack); a wait costs a registration, not a thread. Waits complete asynchronously (never on the polling thread).
/// A cancelled wait's task completes only once the polling thread is out of the <c>poll</c> that watched it: until
/// <c>poll</c> returns, the kernel holds the descriptor's file, so a listening socket closed earlier would still
/// accept connections. Its descriptor may be closed as soon as the task completed.
/// </summary>
internal sealed unsafe class ReadinessPoller
{
    private const int ThreadStackSize = 256 * 1024;

    private readonly Lock _gate = new();
    private readonly HashSet<Waiter> _waiters = [];
    private readonly List<(Waiter Waiter, CancellationToken Token)> _cancelled = [];
    private SafeFileHandle? _wake;

    private ReadinessPoller()
    {
    }

    /// <summary>The process's one poller.</summary>
    public static ReadinessPoller Shared { get; } = new();

    /// <summary>How many waits are registered now.</summary>
    public int Waiting
    {
        get
        {
            lock (_gate)
                return _waiters.Count;
        }
    }

    /// <summary>
    /// Completes once <c>poll</c> reports one of <paramref name="events"/> on <paramref name="fd"/> (or an error or
    /// hang-up, which the caller's next read or write reports). The caller keeps <paramref name="fd"/> open until the
    /// task completes.
    /// </summary>
    public Task WhenReadyAsync(int fd, short events, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled(cancellationToken);
        var waiter = new Waiter(fd, events);
        lock (_gate)
        {
            StartIfNeeded();
            _waiters.Add(waiter);
        }

        Wake();
        if (cancellationToken.CanBeCanceled)
        {
            var registration = cancellationToken.Register(() => Cancel(waiter, cancellationToken));
            _ = waiter.Ready.Task.ContinueWith(_ => registration.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return waiter.Ready.Task;
    }

    private static SafeFileHandle OpenWake()
    {
        var fd = PtyInterop.EventFd(0, PtyInterop.EFD_CLOEXEC | PtyInterop.EFD_NONBLOCK);
        if (fd < 0)
            throw new Win32Exception(Marshal.GetLastPInvokeError(), "eventfd failed");
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    // Removed now, completed by the polling thread once it is out of poll (ReleaseCancelled).
    private void Cancel(Waiter waiter, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_waiters.Remove(waiter))
                return;
            _cancelled.Add((waiter, cancellationToken));
        }

        Wake();
    }

    // On the polling thread, outside poll: the kernel has let go of every descriptor the last poll watched.
    private void ReleaseCancelled()
    {
        (Waiter Waiter, CancellationToken Token)[] cancelled;
        lock (_gate)
        {
            if (_cancelled.Count == 0)
                return;
            cancelled = [.. _cancelled];
            _cancelled.Clear();
        }

        foreach (var (waiter, token) in cancelled)
            waiter.Ready.TrySetCanceled(token);
    }

    private void StartIfNeeded()
    {
        if (_wake is not null)
            return;
        _wake = OpenWake();
        var thread = new Thread(Run, ThreadStackSize) { IsBackground = true, Name = "readiness poller" };
        thread.Start();
    }

    private void Wake()
    {
        ulong one = 1;
        _ = PtyInterop.Write((int)_wake!.DangerousGetHandle(), (byte*)&one, sizeof(ulong));
    }

    private void Run()
    {
        var wake = (int)_wake!.DangerousGetHandle();
        var snapshot = new List<Waiter>();
        var descriptors = new PollDescriptor[1];
        while (true)
        {
            snapshot.Clear();
            lock (_gate)
                snapshot.AddRange(_waiters);
            if (descriptors.Length < snapshot.Count + 1)
                descriptors = new PollDescriptor[Math.Max(snapshot.Count + 1, descriptors.Length * 2)];
            descriptors[0] = new PollDescriptor { Fd = wake, Events = PtyInterop.POLLIN };
            for (var i = 0; i < snapshot.Count; i++)
                descriptors[i + 1] = new PollDescriptor { Fd = snapshot[i].Fd, Events = snapshot[i].Events };

            int result;
            fixed (PollDescriptor* pointer = descriptors)
                result = PtyInterop.Poll(pointer, (nuint)(snapshot.Count + 1), -1);
            ReleaseCancelled();
            if (result < 0)
            {
                var error = Marshal.GetLastPInvokeError();
                if (error != LibC.EINTR)
                    Fail(new Win32Exception(error, "poll failed"));
                continue;
            }

            if (descriptors[0].ReturnedEvents != 0)
            {
                ulong count;
                _ = LibC.Read(wake, (byte*)&count, sizeof(ulong));
            }

            for (var i = 0; i < snapshot.Count; i++)
            {
                if (descriptors[i + 1].ReturnedEvents != 0)
                    Complete(snapshot[i]);
            }
        }
    }

    private void Complete(Waiter waiter)
    {
        lock (_gate)
        {
            if (!_waiters.Remove(waiter))
                return;
        }

        waiter.Ready.TrySetResult();
    }

    // poll fails only on EFAULT, EINVAL (more descriptors than RLIMIT_NOFILE) or ENOMEM: every waiter hears of it.
    private void Fail(Win32Exception error)
    {
        Waiter[] failed;
        lock (_gate)
        {
            failed = [.. _waiters];
            _waiters.Clear();
        }

        foreach (var waiter in failed)
            waiter.Ready.TrySetException(error);
    }

    private sealed class Waiter(int fd, short events)
    {
        public int Fd { get; } = fd;

        public short Events { get; } = events;

        public TaskCompletionSource Ready { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
