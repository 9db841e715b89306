using System.Diagnostics;

namespace SENet.Client.Benchmarks;

/// <summary>Repeats an action over inputs round-robin for at least a given time, after a warm-up; returns seconds per call.</summary>
public static class Timing
{
    public static double SecondsPerCall(Action<int> action, int inputs, double seconds, int warmUp = 3)
    {
        for (var i = 0; i < warmUp; i++)
        {
            action(i % inputs);
        }

        var calls = 0;
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed.TotalSeconds < seconds || calls < inputs)
        {
            action(calls % inputs);
            calls++;
        }

        return stopwatch.Elapsed.TotalSeconds / calls;
    }
}
