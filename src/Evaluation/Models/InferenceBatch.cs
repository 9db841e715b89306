using Microsoft.ML.OnnxRuntime;

namespace SENet.Evaluation.Models;

/// <summary>
/// Reusable input and output buffers for one batch of a <see cref="ClassifierSession"/>. The buffers are pinned
/// once and wrapped as ONNX Runtime tensors once per batch size seen, so running a batch allocates no tensor memory.
/// Several batches may exist per session, so that one fills while another runs.
/// </summary>
public sealed class InferenceBatch : IDisposable
{
    private readonly float[] _input;
    private readonly float[] _output;
    private readonly Dictionary<int, (OrtValue Input, OrtValue Output)> _tensorsByCount = [];

    internal InferenceBatch(int capacity, int channels, int height, int width, int classes)
    {
        Capacity = capacity;
        ImageLength = channels * height * width;
        Classes = classes;
        Shape = [channels, height, width];
        _input = GC.AllocateArray<float>(capacity * ImageLength, pinned: true);
        _output = GC.AllocateArray<float>(capacity * classes, pinned: true);
    }

    public int Capacity { get; }

    public int ImageLength { get; }

    public int Classes { get; }

    /// <summary>How many images the batch holds now.</summary>
    public int Count { get; set; }

    private long[] Shape { get; }

    /// <summary>The CHW float slot of image <paramref name="index"/>, to be written by preprocessing.</summary>
    public Span<float> Image(int index) => _input.AsSpan(index * ImageLength, ImageLength);

    /// <summary>The scores of image <paramref name="index"/> after the batch ran.</summary>
    public ReadOnlySpan<float> Scores(int index) => _output.AsSpan(index * Classes, Classes);

    internal (OrtValue Input, OrtValue Output) TensorsFor(int count)
    {
        if (!_tensorsByCount.TryGetValue(count, out var tensors))
        {
            tensors = (
                OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _input.AsMemory(0, count * ImageLength), [count, .. Shape]),
                OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _output.AsMemory(0, count * Classes), [count, Classes]));
            _tensorsByCount[count] = tensors;
        }

        return tensors;
    }

    public void Dispose()
    {
        foreach (var (input, output) in _tensorsByCount.Values)
        {
            input.Dispose();
            output.Dispose();
        }

        _tensorsByCount.Clear();
    }
}
