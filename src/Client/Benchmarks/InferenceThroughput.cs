using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using SENet.Evaluation.Models;

namespace SENet.Client.Benchmarks;

/// <summary>Images per second of a session kept busy on every stream, and the batch size that gives the most.</summary>
public static class InferenceThroughput
{
    /// <summary>Runs full batches on all <see cref="ClassifierSession.Streams"/> at once for at least <paramref name="seconds"/>.</summary>
    public static double ImagesPerSecond(ClassifierSession session, int batchSize, double seconds)
    {
        var batches = Enumerable.Range(0, session.Streams).Select(_ => session.CreateBatch(batchSize)).ToList();
        try
        {
            foreach (var batch in batches)
            {
                batch.Count = batch.Capacity;
                for (var i = 0; i < batch.Capacity; i++)
                {
                    batch.Image(i).Fill(0.5f);
                }
            }

            Parallel.ForEach(batches, batch => session.Run(batch));
            long images = 0;
            var stopwatch = Stopwatch.StartNew();
            Parallel.ForEach(batches, new ParallelOptions { MaxDegreeOfParallelism = batches.Count }, batch =>
            {
                while (stopwatch.Elapsed.TotalSeconds < seconds)
                {
                    session.Run(batch);
                    Interlocked.Add(ref images, batch.Count);
                }
            });
            return images / stopwatch.Elapsed.TotalSeconds;
        }
        finally
        {
            batches.ForEach(b => b.Dispose());
        }
    }

    /// <summary>
    /// Doubles the batch size from 1 until the device runs out of memory, <paramref name="largest"/> is reached, or two
    /// doublings in a row gain less than 3 % each (a plateau: noise alone does not end the search); returns every size
    /// tried with its figure (null where it did not fit).
    /// </summary>
    public static IReadOnlyList<(int BatchSize, double? ImagesPerSecond, string? WhyNot)> FindBatch(
        byte[] model, ClassifierSessionOptions options, int largest, double seconds)
    {
        var tried = new List<(int, double?, string?)>();
        double previous = 0;
        var flat = 0;
        for (var size = 1; size <= largest; size *= 2)
        {
            try
            {
                using var session = ClassifierSession.Create(model, options with { MaxBatchSize = size });
                var figure = ImagesPerSecond(session, size, seconds);
                tried.Add((size, figure, null));
                flat = figure < previous * 1.03 ? flat + 1 : 0;
                if (flat == 2)
                {
                    break;
                }

                previous = figure;
            }
            catch (Exception e) when (e is OnnxRuntimeException or ModelValidationException or OutOfMemoryException)
            {
                tried.Add((size, null, e.Message.Split('\n')[0]));
                break;
            }
        }

        return tried;
    }
}
