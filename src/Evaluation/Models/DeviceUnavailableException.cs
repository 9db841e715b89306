namespace SENet.Evaluation.Models;

/// <summary>An explicitly requested device whose execution provider could not be loaded; the message carries the loader's reason.</summary>
public sealed class DeviceUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
