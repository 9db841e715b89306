namespace SENet.Fuzz;

/// <summary>A target's own check failed: the code under test returned, but with a result that cannot be right.</summary>
public sealed class FuzzFindingException(string message, Exception? inner = null) : Exception(message, inner);
