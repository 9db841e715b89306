namespace SENet.Evaluation.Storage;

/// <summary>Rules on blob names and prefixes that keep a location where it says it is.</summary>
public static class BlobNames
{
    /// <summary>
    /// Whether a decoded blob name or prefix has a '.' or '..' segment. The storage client builds each request's URL
    /// from the name, and the URL's dot segments are then resolved, so 'prefix/../x' names 'x', and '../../other/x'
    /// another container. A backslash counts as a separator: URLs treat it as one.
    /// </summary>
    public static bool HasDotSegment(string name) => name.Split('/', '\\').Any(segment => segment is "." or "..");

    /// <summary>A control character (NUL, newline, …) in a decoded name: no blob name needs one, and storage emulators choke on them.</summary>
    public static bool HasControlCharacter(string name) => name.Any(char.IsControl);
}
