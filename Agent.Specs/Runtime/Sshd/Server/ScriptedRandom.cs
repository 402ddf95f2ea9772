namespace Agent.Specs.Runtime.Sshd.Server;

/// <summary>A <see cref="Random"/> whose <see cref="Next(int)"/> answers <see cref="Draw"/> (99 by default, the luckiest of 0-99), counting the calls.</summary>
internal sealed class ScriptedRandom : Random
{
    public int Draw { get; set; } = 99;

    public int Calls { get; private set; }

    public override int Next(int maxValue)
    {
        Calls++;
        return Math.Min(Draw, maxValue - 1);
    }
}
