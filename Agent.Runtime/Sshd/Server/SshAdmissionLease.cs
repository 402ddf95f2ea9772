using System.Net;

namespace Agent.Runtime.Sshd.Server;

/// <summary>One connection's slot in an <see cref="SshAdmission"/>: unauthenticated until <see cref="TryAuthenticate"/>, freed on dispose.</summary>
public sealed class SshAdmissionLease : IDisposable
{
    private readonly SshAdmission _admission;
    private readonly IPAddress _source;
    private readonly Lock _gate = new();
    private State _state;

    internal SshAdmissionLease(SshAdmission admission, IPAddress source)
    {
        _admission = admission;
        _source = source;
    }

    private enum State
    {
        Unauthenticated,
        Authenticated,
        Released,
    }

    /// <summary>Moves the slot to the authenticated ones; false when those are all taken (the connection must end).</summary>
    public bool TryAuthenticate()
    {
        lock (_gate)
        {
            if (_state != State.Unauthenticated)
                return _state == State.Authenticated;
            var promoted = _admission.Promote(_source);
            _state = promoted ? State.Authenticated : State.Released;
            return promoted;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_state == State.Released)
                return;
            _admission.Release(_source, _state == State.Authenticated);
            _state = State.Released;
        }
    }
}
