using SENet.Contracts.Jobs;

namespace SENet.Client.Suites;

/// <summary>One dataset of a suite as a job: its entry, its job id (<c>SUITE.NAME</c>) and the spec a single run would submit.</summary>
public sealed record SuiteJob(SuiteEntry Entry, string JobId, JobSpec Spec);
