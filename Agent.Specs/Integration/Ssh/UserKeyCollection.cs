namespace Agent.Specs.Integration.Ssh;

/// <summary>The specs that share one <see cref="UserKeyFixture"/> agent (they rewrite its key files, so they run one at a time).</summary>
[CollectionDefinition(Name)]
public sealed class UserKeyCollection : ICollectionFixture<UserKeyFixture>
{
    public const string Name = "User keys";
}
