namespace SENet.Evaluation.Storage;

/// <summary>
/// How to reach Azure Blob Storage (configuration section <c>SENet:Storage</c>). A SAS in a location's URL wins;
/// otherwise the connection string; otherwise <c>DefaultAzureCredential</c> (managed identity in a cluster).
/// Never logged: <see cref="ToString"/> hides the secret.
/// </summary>
public sealed class StorageOptions
{
    public const string Section = "SENet:Storage";

    public string? ConnectionString { get; set; }

    /// <summary>The account <c>az://CONTAINER/PREFIX</c> resolves against when there is no connection string, e.g. <c>https://acct.blob.core.windows.net</c>.</summary>
    public string? AccountUrl { get; set; }

    /// <summary>
    /// Where job outputs may go (a folder or blob prefix). When set, a job's output must lie under it (default:
    /// OutputRoot/JOB), so no job writes over another's results or anywhere else.
    /// </summary>
    public string? OutputRoot { get; set; }

    /// <summary>
    /// Where a job may read from (folders or blob prefixes; configured as <c>SENet:Storage:InputRoots:0</c>, <c>:1</c>, …).
    /// When any is set, a job's data, model, labels, class list and model class list must each lie under one of
    /// them, compared in canonical form (symbolic links resolved, URLs as the storage client decodes them), so that
    /// no submitter can make a silo read its own settings or any other file of the node. Empty: no restriction.
    /// </summary>
    public List<string> InputRoots { get; set; } = [];

    /// <summary>
    /// The largest model (the .onnx file with its external data) a silo or the CLI reads; a larger one, or one whose
    /// blob declares a larger Content-Length, is refused before a byte is read.
    /// </summary>
    public long MaxModelBytes { get; set; } = Models.ModelFiles.DefaultMaxBytes;

    /// <summary>Retries of a storage request after a transient failure (exponential back-off with jitter).</summary>
    public int MaxRetries { get; set; } = 6;

    public override string ToString() => $"StorageOptions(account {AccountUrl ?? "from connection string"}, connection string {(ConnectionString is null ? "unset" : "set")})";
}
