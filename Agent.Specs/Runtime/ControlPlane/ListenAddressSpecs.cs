using Agent.Runtime.ControlPlane;

namespace Agent.Specs.Runtime.ControlPlane;

public sealed class ListenAddressSpecs
{
    [Theory]
    [InlineData("127.0.0.1:7080", true)]
    [InlineData("127.0.0.2:0", true)]
    [InlineData("localhost:7080", true)]
    [InlineData("localhost:0", true)]
    [InlineData("[::1]:7080", true)]
    [InlineData("0.0.0.0:7080", false)]
    [InlineData("*:7080", false)]
    [InlineData("[::]:7080", false)]
    [InlineData("192.168.1.10:7080", false)]
    public void IsLoopback_OnlyForLoopbackAddresses(string address, bool loopback)
        => Assert.Equal(loopback, ListenAddress.Parse(address).IsLoopback);
}
