namespace Agent.Runtime.ControlPlane;

/// <summary>The replica that holds an agent's relay, as its peers reach it.</summary>
/// <param name="Id">The replica's id.</param>
/// <param name="Address">Its <c>--replica-address</c>.</param>
public sealed record RelayOwner(Guid Id, Uri Address);
