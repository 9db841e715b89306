using SENet.Evaluation.Models;

namespace SENet.Fuzz;

/// <summary>The model check every job runs first: protobuf parsing, then the interface, parameter and shape walk.</summary>
public sealed class ModelInspectorTarget : IFuzzTarget
{
    public string Name => "model-inspector";

    public string Description => "ModelInspector.Inspect: ONNX protobuf, interface, parameters, multiply-accumulates";

    public void Run(byte[] input) => ModelInspector.Inspect(input);
}
