namespace SENet.Evaluation.Imaging;

/// <summary>An image that cannot be decoded; the message says why (format, corruption, size limit).</summary>
public sealed class ImageDecodeException(string message, Exception? inner = null) : Exception(message, inner);
