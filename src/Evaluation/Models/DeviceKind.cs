namespace SENet.Evaluation.Models;

public enum DeviceKind
{
    /// <summary>CUDA when its execution provider loads, the CPU otherwise.</summary>
    Auto,
    Cpu,
    Cuda,
}
