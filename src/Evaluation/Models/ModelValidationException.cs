namespace SENet.Evaluation.Models;

/// <summary>A model that cannot be evaluated as an image classifier; the message says what it is and how to fix it.</summary>
public sealed class ModelValidationException(string message, Exception? inner = null) : Exception(message, inner);
