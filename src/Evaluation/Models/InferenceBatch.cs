using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace SENet.Evaluation.Models;

/// <summary>
/// Reusable input and output buffers for one batch of a <see cref="ClassifierSession"/>, bound to the session by
/// IOBinding. On a GPU the buffers are page-locked (CUDA pinned) host memory from ONNX Runtime's allocator, so the
/// copies to and from the device are direct DMA; on the CPU they are pinned managed arrays. Either way they are
/// wrapped as tensors once per batch size seen, so running a batch allocates no tensor memory. Several batches may
/// exist per session, so that one fills while another runs.
/// </summary>
public sealed unsafe class InferenceBatch : IDisposable
{
    private readonly OrtMemoryInfo _inputMemoryInfo;
    private readonly OrtMemoryInfo _outputMemoryInfo;
    private readonly float[]? _managedInput;
    private readonly float[]? _managedOutput;
    private readonly OrtValue? _nativeInput;
    private readonly OrtValue? _nativeOutput;
    private readonly float* _input;
    private readonly float* _output;
    private readonly Dictionary<int, (OrtValue Input, OrtValue Output)> _tensorsByCount = [];
    private Action? _onDisposed;

    internal InferenceBatch(int capacity, int channels, int height, int width, int classes, OrtAllocator? pinnedAllocator, bool pinnedOutput, Action onDisposed)
    {
        _onDisposed = onDisposed;
        Capacity = capacity;
        ImageLength = checked(channels * height * width);
        Classes = classes;
        if (capacity < 1 || capacity > MaxCapacity(ImageLength, classes))
        {
            // Sizes that wrap around would give a small buffer that preprocessing and ONNX Runtime then write past.
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"A batch holds 1 to {MaxCapacity(ImageLength, classes):N0} images of {channels}×{height}×{width} with {classes:N0} classes.");
        }

        Shape = [channels, height, width];
        if (pinnedAllocator is null)
        {
            _inputMemoryInfo = OrtMemoryInfo.DefaultInstance;
            _managedInput = GC.AllocateArray<float>(capacity * ImageLength, pinned: true);
            _input = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_managedInput));
        }
        else
        {
            _inputMemoryInfo = pinnedAllocator.Info;
            _nativeInput = OrtValue.CreateAllocatedTensorValue(pinnedAllocator, TensorElementType.Float, [(long)capacity * ImageLength]);
            _input = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(_nativeInput.GetTensorMutableRawData()));
        }

        if (pinnedAllocator is null || !pinnedOutput)
        {
            _outputMemoryInfo = OrtMemoryInfo.DefaultInstance;
            _managedOutput = GC.AllocateArray<float>(capacity * classes, pinned: true);
            _output = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_managedOutput));
        }
        else
        {
            _outputMemoryInfo = pinnedAllocator.Info;
            _nativeOutput = OrtValue.CreateAllocatedTensorValue(pinnedAllocator, TensorElementType.Float, [(long)capacity * classes]);
            _output = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(_nativeOutput.GetTensorMutableRawData()));
        }

        PinnedHostMemory = pinnedAllocator is not null;
    }

    public int Capacity { get; }

    /// <summary>
    /// The most images one batch can hold for this input and output size: its input and its scores must each fit one
    /// buffer (at most <see cref="Array.MaxLength"/> floats).
    /// </summary>
    public static int MaxCapacity(long imageLength, long classes) =>
        imageLength < 1 || classes < 1 ? 0 : (int)Math.Min(Array.MaxLength / imageLength, Array.MaxLength / classes);

    public int ImageLength { get; }

    public int Classes { get; }

    /// <summary>The buffers are page-locked host memory of the CUDA allocator (a GPU session), not managed arrays.</summary>
    public bool PinnedHostMemory { get; }

    /// <summary>How many images the batch holds now.</summary>
    public int Count { get; set; }

    private long[] Shape { get; }

    /// <summary>The CHW float slot of image <paramref name="index"/>, to be written by preprocessing.</summary>
    public Span<float> Image(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Capacity);
        return new Span<float>(_input + (long)index * ImageLength, ImageLength);
    }

    /// <summary>The CHW float slots of <paramref name="count"/> consecutive images from <paramref name="index"/> (the views of one image).</summary>
    public Span<float> Images(int index, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index + count, Capacity);
        return new Span<float>(_input + (long)index * ImageLength, checked(count * ImageLength));
    }

    /// <summary>The score rows of <paramref name="count"/> consecutive images from <paramref name="index"/>, one after another.</summary>
    public ReadOnlySpan<float> Scores(int index, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index + count, Capacity);
        return new ReadOnlySpan<float>(_output + (long)index * Classes, checked(count * Classes));
    }

    /// <summary>The scores of image <paramref name="index"/> after the batch ran.</summary>
    public ReadOnlySpan<float> Scores(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Capacity);
        return new ReadOnlySpan<float>(_output + (long)index * Classes, Classes);
    }

    internal (OrtValue Input, OrtValue Output) TensorsFor(int count)
    {
        if (!_tensorsByCount.TryGetValue(count, out var tensors))
        {
            tensors = (
                OrtValue.CreateTensorValueWithData(_inputMemoryInfo, TensorElementType.Float, [count, .. Shape], (IntPtr)_input, (long)count * ImageLength * sizeof(float)),
                OrtValue.CreateTensorValueWithData(_outputMemoryInfo, TensorElementType.Float, [count, Classes], (IntPtr)_output, (long)count * Classes * sizeof(float)));
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
        _nativeInput?.Dispose();
        _nativeOutput?.Dispose();
        GC.KeepAlive(_managedInput);
        GC.KeepAlive(_managedOutput);
        Interlocked.Exchange(ref _onDisposed, null)?.Invoke();
    }
}
