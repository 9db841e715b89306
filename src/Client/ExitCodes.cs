namespace SENet.Client;

/// <summary>The CLI's exit codes.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>An error (bad input, a refused or failed job, a cluster that stopped answering), or a job that did not complete.</summary>
    public const int Failure = 1;

    /// <summary>Cancelled by Ctrl+C (SIGINT) or SIGTERM: an embedded job's partial report, marked cancelled, was written.</summary>
    public const int Cancelled = 130;
}
