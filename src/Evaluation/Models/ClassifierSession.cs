using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;

namespace SENet.Evaluation.Models;

/// <summary>
/// An image classifier on one device: one float input [N,3,H,W], an output [N,C] of logits or probabilities. Holds
/// <see cref="Streams"/> ONNX Runtime sessions of the model (each its own CUDA stream on a GPU) and runs every batch
/// through IOBinding on buffers it allocates (<see cref="CreateBatch"/>). Chooses its device, validates the model's
/// interface and warms up before it is handed out.
/// </summary>
public sealed class ClassifierSession : IDisposable
{
    public const string CpuProvider = "CPUExecutionProvider";
    public const string CudaProvider = "CUDAExecutionProvider";

    private readonly InferenceSession[] _sessions;
    private readonly ConcurrentQueue<InferenceSession> _idle;
    private readonly SemaphoreSlim _idleCount;
    private readonly RunOptions _runOptions = new();
    private OrtAllocator? _pinnedAllocator;
    private bool _pinnedOutputs = true;
    private readonly string _inputName;
    private readonly string _outputName;
    private readonly Lock _lifetime = new();
    private int _liveBatches;
    private bool _disposed;
    private int _nextSession;

    private ClassifierSession(InferenceSession[] sessions, ModelDescription description, string provider, string? fallbackReason, int height, int width, int classes, int maxBatchSize, int? fixedBatchSize, OrtAllocator? pinnedAllocator)
    {
        FixedBatchSize = fixedBatchSize;
        _sessions = sessions;
        _idle = new ConcurrentQueue<InferenceSession>(sessions);
        _idleCount = new SemaphoreSlim(sessions.Length, sessions.Length);
        _pinnedAllocator = pinnedAllocator;
        Description = description;
        ExecutionProvider = provider;
        FallbackReason = fallbackReason;
        InputHeight = height;
        InputWidth = width;
        Classes = classes;
        MaxBatchSize = maxBatchSize;
        _inputName = description.Inputs[0].Name;
        _outputName = description.Outputs[0].Name;
    }

    public ModelDescription Description { get; }

    /// <summary>The execution provider that runs the model: <see cref="CpuProvider"/> or <see cref="CudaProvider"/>.</summary>
    public string ExecutionProvider { get; }

    /// <summary>Why <c>auto</c> did not choose CUDA; null when it did, or when a device was named.</summary>
    public string? FallbackReason { get; }

    public int InputHeight { get; }

    public int InputWidth { get; }

    public int Classes { get; }

    public int MaxBatchSize { get; }

    /// <summary>The batch size the model's input fixes (its first dimension is a number, not a symbol); null when the batch is dynamic.</summary>
    public int? FixedBatchSize { get; }

    /// <summary>What the session does differently from the batch size it was asked for, for the operator's log and the report's notes; null when nothing.</summary>
    public string? BatchNote => BatchNoteFor(RequestedBatchSize);

    /// <summary>The note for a job that asked for <paramref name="requestedBatchSize"/>: null unless the model fixes its batch.</summary>
    public string? BatchNoteFor(int requestedBatchSize) => FixedBatchSize is { } size
        ? $"The model fixes its batch at {size} images (input {Description.Inputs[0]}): every batch runs {size} images, the last one padded, and padding is never scored" +
          (requestedBatchSize == size ? "." : $"; the batch size of {requestedBatchSize} asked for is overridden. Re-export the model with a dynamic batch dimension to choose the batch size.")
        : null;

    /// <summary>The batch size the session was asked for (<see cref="ClassifierSessionOptions.MaxBatchSize"/>).</summary>
    private int RequestedBatchSize { get; init; }

    public bool OutputIsProbabilities => Description.OutputIsProbabilities;

    /// <summary>Sessions that run batches concurrently: run this many batches at once to keep the device busy.</summary>
    public int Streams => _sessions.Length;

    /// <summary>Batches live in page-locked host memory (a CUDA session), so copies to the GPU are direct.</summary>
    public bool PinnedHostMemory => _pinnedAllocator is not null;

    /// <summary>The scores come back into page-locked memory too (false: only the images go from it).</summary>
    public bool PinnedOutputs => PinnedHostMemory && _pinnedOutputs;

    /// <summary>
    /// Why a CUDA session runs on pageable batches or pageable score buffers: ONNX Runtime's pinned allocator refused,
    /// or a warm-up run on pinned buffers failed (null otherwise).
    /// </summary>
    public string? PinnedMemoryFallbackReason { get; private set; }

    /// <summary>
    /// Loads the model at <paramref name="path"/>: its type and size are checked before it is read, and external data
    /// is read from beside it (see <see cref="ExternalData"/>).
    /// </summary>
    public static async Task<ClassifierSession> CreateFromFileAsync(string path, ClassifierSessionOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ClassifierSessionOptions();
        var bytes = await ModelFiles.ReadAsync(path, options.MaxModelBytes, cancellationToken);
        return Create(bytes, options, Path.GetDirectoryName(Path.GetFullPath(path)));
    }

    /// <param name="modelFolder">
    /// The folder the model came from: its external data may only be read from there. Null refuses a model with
    /// external data (ONNX Runtime would otherwise resolve it against the working directory).
    /// </param>
    public static ClassifierSession Create(byte[] onnx, ClassifierSessionOptions? options = null, string? modelFolder = null)
    {
        options ??= new ClassifierSessionOptions();
        if (options.MaxBatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxBatchSize, "The batch size must be at least 1.");
        }

        if (options.Streams < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Streams, "A device needs at least one session (stream).");
        }

        var model = ModelInspector.Load(onnx);
        var description = ModelInspector.Inspect(model);
        var externalDataFolder = ExternalData.Validate(model, modelFolder, onnx.LongLength, options.MaxModelBytes);
        var (sessionOptions, provider, fallbackReason) = CreateSessionOptions(options);
        if (externalDataFolder is not null)
        {
            // A model loaded from bytes finds its external files here, not in the process's working directory.
            sessionOptions.AddSessionConfigEntry("session.model_external_initializers_file_folder_path", externalDataFolder);
        }

        var sessions = new List<InferenceSession>();
        try
        {
            try
            {
                for (var i = 0; i < options.Streams; i++)
                {
                    sessions.Add(new InferenceSession(onnx, sessionOptions));
                }
            }
            catch (OnnxRuntimeException e)
            {
                throw new ModelValidationException($"ONNX Runtime cannot load the model: {e.Message}", e);
            }

            var (height, width, classes, maxBatch, fixedBatch) = RefusedIfItFails(provider, () => ValidateInterface(sessions[0], description, options));
            RefuseImpossibleBatch(maxBatch, height, width, classes);

            var (pinned, pinnedWhyNot) = provider == CudaProvider ? PinnedAllocator(sessions[0], options.EffectiveDevice.Index) : (null, null);
            var classifier = new ClassifierSession([.. sessions], description, provider, fallbackReason, height, width, classes, maxBatch, fixedBatch, pinned)
            {
                PinnedMemoryFallbackReason = pinnedWhyNot,
                RequestedBatchSize = options.MaxBatchSize,
            };
            try
            {
                // A GPU tunes its convolutions for the batch shape it sees (cuDNN's algorithm search) and only ever runs full batches: warm up with one.
                classifier.WarmUpFallingBackFromPinned(provider, classifier.FullBatchesOnly ? maxBatch : 1);
            }
            catch
            {
                classifier._pinnedAllocator?.Dispose();
                throw;
            }

            return classifier;
        }
        catch
        {
            sessions.ForEach(s => s.Dispose());
            throw;
        }
        finally
        {
            sessionOptions.Dispose();
        }
    }

    /// <summary>
    /// Warms up on page-locked batches, then, where ONNX Runtime fails to run on them, on page-locked images with
    /// pageable scores, then on pageable batches. ONNX Runtime 1.31's CUDA provider was seen on an H200 to refuse a
    /// run whose bound output was pinned memory ("GPUDataTransfer::CopyTensorAsync … dst_data != src_data"): a slower
    /// copy beats a device that cannot run at all, and the reason is kept for the report and the benchmark.
    /// </summary>
    private void WarmUpFallingBackFromPinned(string provider, int images)
    {
        try
        {
            RefusedIfItFails(provider, () => WarmUp(images));
            return;
        }
        catch (OnnxRuntimeException e) when (_pinnedAllocator is not null && _pinnedOutputs)
        {
            _pinnedOutputs = false;
            PinnedMemoryFallbackReason = $"a run with pinned score buffers failed ({FirstLine(e.Message)})";
        }

        try
        {
            RefusedIfItFails(provider, () => WarmUp(images));
            return;
        }
        catch (OnnxRuntimeException e) when (_pinnedAllocator is not null)
        {
            _pinnedAllocator.Dispose();
            _pinnedAllocator = null;
            PinnedMemoryFallbackReason = $"{PinnedMemoryFallbackReason}; a run with pinned image buffers failed too ({FirstLine(e.Message)})";
        }

        RefusedIfItFails(provider, () => WarmUp(images));
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();

    /// <summary>
    /// A model that loads but fails on a test image (a Reshape that cannot apply, an operator given a shape it refuses)
    /// is a malformed model on the CPU. On a GPU the same failure may be the device's (out of memory), so it stays as it is.
    /// </summary>
    private static T RefusedIfItFails<T>(string provider, Func<T> run)
    {
        try
        {
            return run();
        }
        catch (OnnxRuntimeException e) when (provider == CpuProvider)
        {
            throw new ModelValidationException($"The model loads but fails on a test image: {e.Message}. Check the exported graph (run it once in onnxruntime with a [N,3,H,W] input).", e);
        }
    }

    private static void RefusedIfItFails(string provider, Action run) => RefusedIfItFails(provider, () =>
    {
        run();
        return 0;
    });

    /// <summary>
    /// ONNX Runtime's CUDA pinned (page-locked) host allocator: a batch in it goes to the GPU in one DMA that overlaps
    /// the other streams' compute. Where ONNX Runtime refuses it, none, and the reason; batches are then pinned managed arrays.
    /// </summary>
    private static (OrtAllocator? Allocator, string? WhyNot) PinnedAllocator(InferenceSession session, int deviceIndex)
    {
        OrtAllocator? allocator = null;
        try
        {
            allocator = new OrtAllocator(session, new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA_PINNED, OrtAllocatorType.DeviceAllocator, deviceIndex, OrtMemType.CpuOutput));
            using var probe = OrtValue.CreateAllocatedTensorValue(allocator, Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float, [1]);
            return (allocator, null);
        }
        catch (OnnxRuntimeException e)
        {
            allocator?.Dispose();
            return (null, e.Message);
        }
    }

    /// <summary>
    /// A CUDA session runs every batch at its full capacity, padding a partial one: each new batch shape would make
    /// cuDNN search its algorithms again. A model with a fixed batch dimension accepts no other shape, on any device.
    /// The padding's scores are never read.
    /// </summary>
    public bool FullBatchesOnly => ExecutionProvider == CudaProvider || FixedBatchSize is not null;

    /// <summary>A batch of this session's buffers; dispose it before or after the session (pinned memory is released after the last).</summary>
    public InferenceBatch CreateBatch(int? capacity = null)
    {
        lock (_lifetime)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _liveBatches++;
        }

        // A fixed-batch model runs nothing but its own batch size: every batch holds exactly that many slots.
        var slots = FixedBatchSize ?? Math.Min(capacity ?? MaxBatchSize, MaxBatchSize);
        return new(slots, 3, InputHeight, InputWidth, Classes, _pinnedAllocator, _pinnedOutputs, BatchDisposed);
    }

    private void BatchDisposed()
    {
        lock (_lifetime)
        {
            if (--_liveBatches == 0 && _disposed)
            {
                _pinnedAllocator?.Dispose();
            }
        }
    }

    /// <summary>
    /// Runs the first <see cref="InferenceBatch.Count"/> images of <paramref name="batch"/> (all of them where
    /// <see cref="FullBatchesOnly"/>); scores land in the batch. Returns the time the run took, waiting for a stream not included.
    /// </summary>
    public TimeSpan Run(InferenceBatch batch)
    {
        var (input, output) = Tensors(batch);
        if (!Gated)
        {
            return RunOn(NextSession(), input, output);
        }

        _idleCount.Wait();
        return RunOnIdle(input, output);
    }

    public void Dispose()
    {
        lock (_lifetime)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (var session in _sessions)
            {
                session.Dispose();
            }

            // Batches hold tensors made by the pinned allocator: it goes with the last of them.
            if (_liveBatches == 0)
            {
                _pinnedAllocator?.Dispose();
            }
        }

        _runOptions.Dispose();
        _idleCount.Dispose();
    }

    /// <summary>
    /// On a GPU each batch in flight takes a session of its own (its own CUDA stream). On the CPU, sessions run
    /// concurrent batches as they come (ONNX Runtime's Run is thread-safe): workers of several CPU devices share one.
    /// </summary>
    private bool Gated => ExecutionProvider == CudaProvider;

    private InferenceSession NextSession() => _sessions[(int)((uint)Interlocked.Increment(ref _nextSession) % (uint)_sessions.Length)];

    private (OrtValue Input, OrtValue Output) Tensors(InferenceBatch batch)
    {
        if (batch.Count < 1 || batch.Count > batch.Capacity)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), batch.Count, $"A batch holds 1 to {batch.Capacity} images.");
        }

        return batch.TensorsFor(FullBatchesOnly ? batch.Capacity : batch.Count);
    }

    private TimeSpan RunOnIdle(OrtValue input, OrtValue output)
    {
        _idle.TryDequeue(out var session);
        try
        {
            return RunOn(session!, input, output);
        }
        finally
        {
            _idle.Enqueue(session!);
            _idleCount.Release();
        }
    }

    private TimeSpan RunOn(InferenceSession session, OrtValue input, OrtValue output)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        using var binding = session.CreateIoBinding();
        binding.BindInput(_inputName, input);
        binding.BindOutput(_outputName, output);
        binding.SynchronizeBoundInputs();
        session.RunWithBinding(_runOptions, binding);
        binding.SynchronizeBoundOutputs();
        return System.Diagnostics.Stopwatch.GetElapsedTime(started);
    }

    /// <summary>
    /// Runs seeded noise through every session: the first run pays ONNX Runtime's lazy initialisation, and a model whose
    /// outputs are not finite numbers is refused before it scores anything.
    /// </summary>
    private void WarmUp(int images)
    {
        using var batch = CreateBatch(images);
        batch.Count = batch.Capacity;
        var state = 12345u;
        for (var slot = 0; slot < batch.Count; slot++)
        {
            var image = batch.Image(slot);
            for (var i = 0; i < image.Length; i++)
            {
                state = state * 1664525 + 1013904223;
                image[i] = (state >> 8) / (float)(1 << 24) * 4 - 2;
            }
        }

        // Sessions are taken in turn, so each pays its own lazy initialisation here, not under the first shard.
        for (var i = 0; i < _sessions.Length; i++)
        {
            Run(batch);
        }

        if (!AllFinite(batch.Scores(0)))
        {
            throw new ModelValidationException(
                $"The model's output '{Description.Outputs[0].Name}' holds NaN or infinite values for a test image, so no ranking of its scores means anything. " +
                "Check the exported weights (e.g. re-export with fp32, or fix the layer that overflows).");
        }
    }

    private static bool AllFinite(ReadOnlySpan<float> values)
    {
        foreach (var value in values)
        {
            if (!float.IsFinite(value))
            {
                return false;
            }
        }

        return true;
    }

    private static (SessionOptions Options, string Provider, string? FallbackReason) CreateSessionOptions(ClassifierSessionOptions options)
    {
        var device = options.EffectiveDevice;
        if (device.Kind != DeviceKind.Cpu)
        {
            var cudaSettings = (options.Cuda ?? new CudaSettings()).ToProviderOptions(device.Index);
            var cuda = CreateBaseOptions(options);
            try
            {
                AppendCuda(cuda, cudaSettings);
                return (cuda, CudaProvider, null);
            }
            catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
            {
                cuda.Dispose();
                if (device.Kind == DeviceKind.Cuda)
                {
                    throw new DeviceUnavailableException(
                        $"Device {device} was requested but ONNX Runtime's CUDA execution provider did not load: {LoaderReason(e)}. " +
                        "It needs an NVIDIA driver, CUDA 13 (libcudart.so.13, libcublas.so.13, libcublasLt.so.13) and cuDNN 9 on the library path. " +
                        "Use --device cpu (or auto) to run on the CPU.", e);
                }

                return (CreateBaseOptions(options), CpuProvider, $"CUDA execution provider unavailable: {LoaderReason(e)}");
            }
        }

        return (CreateBaseOptions(options), CpuProvider, null);
    }

    /// <summary>
    /// Why ONNX Runtime's CUDA execution provider cannot be used on GPU <paramref name="deviceIndex"/>, in the loader's
    /// words; null when it loads. A driver that sees GPUs is not enough: the provider needs CUDA 13 and cuDNN 9 too.
    /// </summary>
    public static string? CudaUnavailableReason(int deviceIndex = 0)
    {
        try
        {
            using var probe = new SessionOptions();
            AppendCuda(probe, new CudaSettings().ToProviderOptions(deviceIndex));
            return null;
        }
        catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
        {
            return LoaderReason(e);
        }
    }

    /// <summary>Adds the CUDA provider; the provider list always names CUDA, and only loading it proves CUDA 13 and cuDNN 9 are present.</summary>
    private static void AppendCuda(SessionOptions sessionOptions, Dictionary<string, string> settings)
    {
        _ = OrtEnv.Instance();
        using var cudaOptions = new OrtCUDAProviderOptions();
        cudaOptions.UpdateOptions(settings);
        sessionOptions.AppendExecutionProvider_CUDA(cudaOptions);
    }

    /// <summary>The loader's own words ("libcublasLt.so.13: cannot open shared object file"), without ONNX Runtime's source locations.</summary>
    private static string LoaderReason(Exception e)
    {
        var message = e.Message.Trim();
        var withError = message.LastIndexOf("with error: ", StringComparison.Ordinal);
        return withError >= 0 ? message[(withError + "with error: ".Length)..].Trim() : message;
    }

    private static SessionOptions CreateBaseOptions(ClassifierSessionOptions options)
    {
        var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        if (options.IntraOpThreads > 0)
        {
            sessionOptions.IntraOpNumThreads = options.IntraOpThreads;
        }

        sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", options.AllowSpinning ? "1" : "0");

        return sessionOptions;
    }

    /// <summary>
    /// Refuses a batch whose input or scores would not fit one buffer (sizes that wrap around 32 bits would give a small
    /// buffer that preprocessing then writes past), naming the largest batch that fits. A coordinator that checks the
    /// model with one image calls this for the job's batch size before any work.
    /// </summary>
    public static void RefuseImpossibleBatch(int batchSize, int height, int width, int classes)
    {
        var largestBatch = InferenceBatch.MaxCapacity(3L * height * width, classes);
        if (batchSize > largestBatch)
        {
            throw new ModelValidationException(
                $"A batch size of {batchSize:N0} is impossible for this model: a batch of 3×{height}×{width} images and {classes:N0} classes " +
                $"holds at most {largestBatch:N0} images in one buffer ({(double)batchSize * 3 * height * width * sizeof(float) / (1L << 30):N1} GiB asked). " +
                $"Use --batch-size {largestBatch:N0} or less (a few hundred at most is typical for a GPU).");
        }
    }

    private static (int Height, int Width, int Classes, int MaxBatch, int? FixedBatch) ValidateInterface(InferenceSession session, ModelDescription description, ClassifierSessionOptions options)
    {
        var inputs = session.InputMetadata;
        var outputs = session.OutputMetadata;
        var input = inputs.Count == 1 ? inputs.Single().Value : null;
        var output = outputs.Count >= 1 ? outputs.First().Value : null;
        var inputOk = input is { IsTensor: true, Dimensions.Length: 4 } && input.ElementType == typeof(float) && input.Dimensions[1] is 3 or -1;
        var outputOk = output is { IsTensor: true, Dimensions.Length: 2 } && output.ElementType == typeof(float);
        if (!inputOk || !outputOk)
        {
            throw new ModelValidationException(
                "The model is not an image classifier this engine can evaluate: it needs one float32 input [N,3,H,W] and " +
                "a float32 output [N,C] of logits or probabilities. " +
                $"Its inputs are {string.Join("; ", description.Inputs)}; its outputs are {string.Join("; ", description.Outputs)}. " +
                "Re-export it with an NCHW RGB image input and the classifier's scores as the first output.");
        }

        var height = input!.Dimensions[2] > 0 ? input.Dimensions[2] : options.InputSize;
        var width = input.Dimensions[3] > 0 ? input.Dimensions[3] : options.InputSize;
        int? fixedBatch = input.Dimensions[0] > 0 ? input.Dimensions[0] : null;
        if ((long)(fixedBatch ?? 1) * 3 * height * width > Array.MaxLength)
        {
            throw new ModelValidationException(
                $"The model's input {description.Inputs[0]} needs {(long)(fixedBatch ?? 1) * 3 * height * width:N0} floats for one batch, more than one buffer can hold ({Array.MaxLength:N0}). " +
                "Re-export it with a dynamic batch dimension or a smaller input size.");
        }

        var classes = output!.Dimensions[1];
        if (classes <= 0)
        {
            classes = ProbeClassCount(session, description, fixedBatch ?? 1, height, width);
        }

        // A fixed batch overrides the batch size asked for: the model runs no other.
        return (height, width, classes, fixedBatch ?? options.MaxBatchSize, fixedBatch);
    }

    private static int ProbeClassCount(InferenceSession session, ModelDescription description, int batch, int height, int width)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(new float[(long)batch * 3 * height * width], [batch, 3, height, width]);
        using var results = session.Run(new RunOptions(), [description.Inputs[0].Name], [input], [description.Outputs[0].Name]);
        return (int)results[0].GetTensorTypeAndShape().Shape[1];
    }
}
