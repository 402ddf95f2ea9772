using Agent.Runtime.Discovery;

namespace Agent.Specs.Runtime.Discovery;

public sealed class AgentDescriptionSpecs
{
    [Fact]
    public void Parse_WrittenDescription_GivesNameSshAddressAndConsistentKeys()
    {
        var announcement = DiscoverySamples.Announcement();

        var description = AgentDescription.Parse(AgentDescription.Write(announcement), out var problem);

        Assert.Null(problem);
        Assert.NotNull(description);
        Assert.Equal("main", description.Name);
        Assert.Equal(("10.0.0.1", 2222), (description.SshHost, description.SshPort));
        Assert.Equal("uuid:" + announcement.Uuid, description.Udn);
        Assert.Equal([DiscoverySamples.Ed25519Line, DiscoverySamples.EcdsaLine], description.Keys.Select(key => key.PublicKeyLine));
        Assert.All(description.Keys, key => Assert.True(key.IsConsistent()));
        Assert.Equal("SHA256:GXVPst3RJTOksQSGACbGyVeCuqYoUEBkZkjBSVod164", description.Keys[0].Fingerprint);
    }

    [Fact]
    public void Parse_NameWithMarkup_RoundTrips()
    {
        var announcement = DiscoverySamples.Announcement("a <b> & \"c\"");

        Assert.Equal("a <b> & \"c\"", AgentDescription.Parse(AgentDescription.Write(announcement), out _)!.Name);
    }

    [Fact]
    public void IsConsistent_KeySwappedUnderAFingerprint_IsFalse()
    {
        var ecdsa = HostKeyRecord.FromPublicKeyLine(DiscoverySamples.EcdsaLine)!;

        Assert.False((DiscoverySamples.Ed25519 with { Base64 = ecdsa.Base64 }).IsConsistent());
        Assert.False((DiscoverySamples.Ed25519 with { Type = "ssh-rsa" }).IsConsistent());
    }

    [Theory]
    [InlineData("<!DOCTYPE r [<!ENTITY x \"y\">]><root><device><deviceType>&x;</deviceType></device></root>", "a document type or entity declaration")]
    [InlineData("<root xmlns=\"urn:schemas-upnp-org:device-1-0\"><device><deviceType>urn:schemas-upnp-org:device:MediaRenderer:1</deviceType></device></root>", "not an agent's")]
    [InlineData("not xml at all", "not an agent's")]
    public void Parse_NotAnAgentsDescription_IsRefused(string xml, string reason)
    {
        Assert.Null(AgentDescription.Parse(xml, out var problem));
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Uuid_SameFirstKey_IsTheSameAcrossStarts()
    {
        Assert.Equal(DiscoverySamples.Announcement().Uuid, DiscoverySamples.Announcement("renamed").Uuid);
        Assert.Equal(5, DiscoverySamples.Announcement().Uuid.Version);
    }
}
