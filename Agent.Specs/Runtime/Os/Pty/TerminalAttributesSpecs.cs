using System.Runtime.InteropServices;
using Agent.Reactive.Effects;
using Agent.Runtime.Os.Interop;
using Agent.Runtime.Os.Pty;

namespace Agent.Specs.Runtime.Os.Pty;

/// <summary>RFC 4254 terminal modes applied to a real pseudo-terminal and read back with <c>tcgetattr</c>.</summary>
[Trait("Category", "Pty")]
public sealed class TerminalAttributesSpecs
{
    private const uint Cbaud = 0x100f;
    private const uint Csize = 0x30;
    private const uint B115200 = 0x1002;
    private const uint B9600 = 13;

    [Fact]
    public void Termios_Layout_IsGlibcsSixtyBytes() => Assert.Equal(60, Marshal.SizeOf<Termios>());

    [Fact]
    public void Set_CharactersFlagsAndSpeeds_AreWhatTcgetattrReadsBack()
    {
        using var master = PtyLauncher.OpenMaster(out _);
        var before = TerminalAttributes.Get(master);
        Assert.NotEqual(0u, before.LocalFlags & TerminalAttributes.ECHO);

        var ignored = TerminalAttributes.Set(master,
        [
            new(129, 115200), new(128, 115200),
            new(1, 2), new(3, 8), new(5, 255), new(13, 23),
            new(53, 0), new(51, 0), new(50, 1), new(39, 1), new(42, 1),
            new(72, 0), new(70, 1),
        ]);

        var after = TerminalAttributes.Get(master);
        Assert.Empty(ignored);
        Assert.Equal(2, after.ControlCharacter(TerminalAttributes.VINTR));
        Assert.Equal(8, after.ControlCharacter(TerminalAttributes.VERASE));
        Assert.Equal(0, after.ControlCharacter(TerminalAttributes.VEOF));
        Assert.Equal(23, after.ControlCharacter(TerminalAttributes.VWERASE));
        Assert.Equal(before.ControlCharacter(TerminalAttributes.VKILL), after.ControlCharacter(TerminalAttributes.VKILL));
        Assert.Equal(0u, after.LocalFlags & (TerminalAttributes.ECHO | TerminalAttributes.ICANON));
        Assert.Equal(TerminalAttributes.ISIG, after.LocalFlags & TerminalAttributes.ISIG);
        Assert.Equal(TerminalAttributes.IXANY | TerminalAttributes.IUTF8, after.InputFlags & (TerminalAttributes.IXANY | TerminalAttributes.IUTF8));
        Assert.Equal(TerminalAttributes.OPOST, after.OutputFlags & (TerminalAttributes.OPOST | TerminalAttributes.ONLCR));
        Assert.Equal(B115200, after.ControlFlags & Cbaud);
    }

    [Fact]
    public void Apply_CharacterSizeAndParity_AreFlagBitsInTheOrderSent()
    {
        var attributes = default(Termios);

        TerminalAttributes.Apply(ref attributes, [new(91, 0), new(90, 1), new(92, 1), new(93, 1)]);
        Assert.Equal(TerminalAttributes.CS7 | TerminalAttributes.PARENB | TerminalAttributes.PARODD, attributes.ControlFlags);

        TerminalAttributes.Apply(ref attributes, [new(90, 0), new(91, 1), new(92, 0)]);
        Assert.Equal(TerminalAttributes.CS8 | TerminalAttributes.PARODD, attributes.ControlFlags);
    }

    [Fact]
    public void Set_SevenBitsWithParity_ThePtyStaysEightBitsWithoutParityAndTheOtherModesApply()
    {
        using var master = PtyLauncher.OpenMaster(out _);

        TerminalAttributes.Set(master, [new(91, 0), new(90, 1), new(92, 1), new(53, 0)]);

        var after = TerminalAttributes.Get(master);
        Assert.Equal(TerminalAttributes.CS8, after.ControlFlags & Csize);
        Assert.Equal(0u, after.ControlFlags & TerminalAttributes.PARENB);
        Assert.Equal(0u, after.LocalFlags & TerminalAttributes.ECHO);
    }

    [Fact]
    public void Set_OpcodesLinuxDoesNotHave_AreIgnoredAndReported()
    {
        using var master = PtyLauncher.OpenMaster(out _);
        var before = TerminalAttributes.Get(master);

        var ignored = TerminalAttributes.Set(master, [new(11, 25), new(15, 15), new(17, 20), new(100, 1), new(159, 1)]);

        Assert.Equal([11, 15, 17, 100, 159], ignored);
        var after = TerminalAttributes.Get(master);
        Assert.Equal((before.InputFlags, before.OutputFlags, before.ControlFlags, before.LocalFlags), (after.InputFlags, after.OutputFlags, after.ControlFlags, after.LocalFlags));
    }

    [Theory]
    [InlineData(115200u, B115200)]
    [InlineData(9600u, B9600)]
    [InlineData(12345u, B9600)]
    [InlineData(38400u, 15u)]
    public void SpeedOf_Baud_IsLinuxsSpeedOr9600(uint baud, uint speed) => Assert.Equal(speed, TerminalAttributes.SpeedOf(baud));

    [Fact]
    public async Task Start_WithModes_TheShellSeesThemInSttyA()
    {
        using var harness = new PtyHarness();
        TerminalMode[] modes = [new(3, 8), new(1, 2), new(53, 0)];
        using var process = harness.Launcher.Start(new PtySpec("stty -a", null, harness.ShellEnvironment, 80, 24, Modes: modes));
        var output = new PtyTranscript();
        using var subscription = process.Output.Subscribe(output);

        await output.Completed.WaitAsync(PtyHarness.Deadline);

        Assert.Contains("intr = ^B;", output.Text, StringComparison.Ordinal);
        Assert.Contains("erase = ^H;", output.Text, StringComparison.Ordinal);
        Assert.Contains(" -echo ", output.Text, StringComparison.Ordinal);
    }
}
