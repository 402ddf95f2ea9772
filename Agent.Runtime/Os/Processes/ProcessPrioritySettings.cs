using System.Globalization;

namespace Agent.Runtime.Os.Processes;

/// <summary>
/// Process priority management as Coder's variables set it: <c>CODER_PROC_PRIO_MGMT</c> (on unless it is <c>0</c>,
/// <c>false</c>, <c>no</c> or <c>off</c>; Coder's is off unless set), <c>CODER_PROC_OOM_SCORE</c> (the children's
/// <c>oom_score_adj</c>, -1000..1000) and <c>CODER_PROC_NICE_SCORE</c> (the children's nice value, -20..19). A value out
/// of range or not a number is named in <see cref="Problems"/> and the default is used.
/// </summary>
internal sealed record ProcessPrioritySettings(bool Enabled, int? OomScoreAdj, int? Nice, IReadOnlyList<string> Problems)
{
    public const string EnabledVariable = "CODER_PROC_PRIO_MGMT";
    public const string OomScoreVariable = "CODER_PROC_OOM_SCORE";
    public const string NiceScoreVariable = "CODER_PROC_NICE_SCORE";

    /// <summary>Reads the three variables through <paramref name="variable"/>.</summary>
    public static ProcessPrioritySettings Read(Func<string, string?> variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        var enabled = variable(EnabledVariable)?.Trim().ToLowerInvariant() is not ("0" or "false" or "no" or "off");
        var problems = new List<string>();
        var oom = Number(variable, OomScoreVariable, -1000, 1000, problems);
        var nice = Number(variable, NiceScoreVariable, -20, 19, problems);
        return new ProcessPrioritySettings(enabled, oom, nice, problems);
    }

    private static int? Number(Func<string, string?> variable, string name, int minimum, int maximum, List<string> problems)
    {
        var text = variable(name);
        if (string.IsNullOrWhiteSpace(text))
            return null;
        if (int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= minimum && value <= maximum)
            return value;
        problems.Add($"{name}={text} is not a whole number from {minimum} to {maximum}");
        return null;
    }
}
