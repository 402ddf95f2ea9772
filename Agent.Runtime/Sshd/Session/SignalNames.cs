namespace Agent.Runtime.Sshd.Session;

/// <summary>Signal names of RFC 4254 section 6.10 (without <c>SIG</c>) and their Linux numbers.</summary>
public static class SignalNames
{
    private static readonly (string Name, int Number)[] Table =
    [
        ("HUP", 1), ("INT", 2), ("QUIT", 3), ("ILL", 4), ("ABRT", 6), ("FPE", 8), ("KILL", 9),
        ("USR1", 10), ("SEGV", 11), ("USR2", 12), ("PIPE", 13), ("ALRM", 14), ("TERM", 15),
    ];

    /// <summary>The number of <paramref name="name"/> (e.g. <c>TERM</c> → 15); <c>null</c> for names outside the RFC's list.</summary>
    public static int? ToNumber(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var (known, number) in Table)
        {
            if (string.Equals(known, name, StringComparison.Ordinal))
                return number;
        }

        return null;
    }

    /// <summary>The name of signal <paramref name="number"/>; OpenSSH's <c>SIG@openssh.com</c> for one outside the list.</summary>
    public static string ToName(int number)
    {
        foreach (var (name, known) in Table)
        {
            if (known == number)
                return name;
        }

        return "SIG@openssh.com";
    }
}
