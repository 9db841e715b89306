namespace SENet.Evaluation.Datasets;

/// <summary>A dataset or labels problem that stops a run before any image is read; the message says what, where and how to fix it.</summary>
public sealed class DatasetException(string message) : Exception(message);
