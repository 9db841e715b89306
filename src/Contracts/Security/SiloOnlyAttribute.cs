namespace SENet.Contracts.Security;

/// <summary>
/// A grain method only the cluster's own silos may call (its answer carries secrets, such as the SAS of a job's
/// locations): calls arriving from a gateway client are refused by the silos' call filter.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SiloOnlyAttribute : Attribute;
