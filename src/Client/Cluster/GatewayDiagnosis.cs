namespace SENet.Client.Cluster;

/// <summary>What a probe of a gateway found: whether anything accepts connections there, and a TLS refusal's reason.</summary>
public sealed record GatewayDiagnosis(GatewayAddress Gateway, bool Listens, string? TlsProblem);
