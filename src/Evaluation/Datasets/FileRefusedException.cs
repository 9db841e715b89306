namespace SENet.Evaluation.Datasets;

/// <summary>
/// A file refused before its bytes were read: not a regular file, or over the size limit. A fault of that file alone
/// (the image fails with this reason), never of the storage that holds it.
/// </summary>
public sealed class FileRefusedException(string message) : IOException(message);
