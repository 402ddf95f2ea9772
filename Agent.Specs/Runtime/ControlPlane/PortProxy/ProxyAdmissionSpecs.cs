using Agent.Runtime.ControlPlane.PortProxy;

namespace Agent.Specs.Runtime.ControlPlane.PortProxy;

/// <summary>The port proxy's cap on what one agent has open at once: a page that opens connections in a loop ends at the cap.</summary>
public sealed class ProxyAdmissionSpecs
{
    [Fact]
    public void TryEnter_AtTheCap_NullUntilASlotIsFreed()
    {
        var admission = new ProxyAdmission(perAgent: 2);
        var first = admission.TryEnter("main");
        using var second = admission.TryEnter("main");

        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Null(admission.TryEnter("main"));
        first.Dispose();
        using var third = admission.TryEnter("main");
        Assert.NotNull(third);
    }

    [Fact]
    public void TryEnter_OneAgentAtItsCap_OthersStillGetSlots()
    {
        var admission = new ProxyAdmission(perAgent: 1);
        using var main = admission.TryEnter("main");

        using var other = admission.TryEnter("other");

        Assert.Null(admission.TryEnter("main"));
        Assert.NotNull(other);
    }

    [Fact]
    public void Dispose_Twice_FreesOneSlot()
    {
        var admission = new ProxyAdmission(perAgent: 2);
        var first = admission.TryEnter("main")!;
        using var second = admission.TryEnter("main");

        first.Dispose();
        first.Dispose();

        using var third = admission.TryEnter("main");
        Assert.NotNull(third);
        Assert.Null(admission.TryEnter("main"));
    }
}
