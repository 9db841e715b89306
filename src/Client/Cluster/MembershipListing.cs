namespace SENet.Client.Cluster;

/// <summary>
/// What Azure Table membership lists for one cluster: the gateways of its active silos, how many of its other silos
/// are in which state (Dead, Joining…), and which other clusters of the same table have active silos.
/// </summary>
public sealed record MembershipListing(IReadOnlyList<GatewayAddress> ActiveGateways, IReadOnlyDictionary<string, int> InactiveSilos, IReadOnlyList<string> OtherActiveClusters);
