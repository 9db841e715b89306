namespace SENet.Evaluation.Storage;

/// <summary>
/// Storage did not answer, or answered "try later", after the client's retries: a fault of the storage, not of the
/// image or blob asked for. Work that meets it is retried later as a whole, never counted as a failed image.
/// </summary>
public sealed class StorageUnavailableException(string message, Exception innerException) : IOException(message, innerException);
