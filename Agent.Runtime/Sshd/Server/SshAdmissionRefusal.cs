namespace Agent.Runtime.Sshd.Server;

/// <summary>Why <see cref="SshAdmission"/> refused a new connection.</summary>
public enum SshAdmissionRefusal
{
    /// <summary>Admitted.</summary>
    None,

    /// <summary>The source holds <see cref="SshAdmissionLimits.PerSource"/> unauthenticated connections already.</summary>
    PerSource,

    /// <summary>Beyond <see cref="SshAdmissionLimits.StartupsBegin"/> unauthenticated connections: dropped at random.</summary>
    RandomEarlyDrop,

    /// <summary><see cref="SshAdmissionLimits.StartupsFull"/> unauthenticated connections already.</summary>
    StartupsFull,

    /// <summary><see cref="SshAdmissionLimits.MaxAuthenticated"/> authenticated connections already.</summary>
    AuthenticatedFull,
}
