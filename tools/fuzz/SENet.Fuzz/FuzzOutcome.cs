namespace SENet.Fuzz;

public enum FuzzOutcome
{
    /// <summary>The input was read (decoded, inspected) without complaint.</summary>
    Accepted,

    /// <summary>The input was refused with the engine's documented exception: the behaviour bad input should get.</summary>
    Refused,
}
