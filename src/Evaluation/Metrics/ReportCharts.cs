using System.Globalization;
using ScottPlot;

namespace SENet.Evaluation.Metrics;

/// <summary>
/// The report's charts as inline SVG, drawn by ScottPlot: throughput over time with one series per (silo, device), and
/// per-class top-1 accuracy as labelled bars. Axes carry ticks and titles; legends sit outside the plotted area.
/// </summary>
public static class ReportCharts
{
    /// <summary>Series colours: the first is also what tests look for to see that charts rendered.</summary>
    public static readonly string[] Palette = ["#1f77b4", "#ff7f0e", "#9467bd", "#d62728", "#8c564b", "#e377c2", "#17becf", "#bcbd22"];

    public const string AccuracyColor = "#2ca02c";

    /// <summary>Bars of classes no image of which was classified right: drawn as a marker, since a 0-length bar is invisible.</summary>
    public const string ZeroColor = "#d62728";

    /// <summary>Classes drawn as labelled bars; past this, the worst ones (the table below the chart names them too).</summary>
    public const int MaxBars = 50;

    private const int Bins = 60;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The name of a (silo, device) series: the silo's endpoint without its generation, then the device.</summary>
    public static string SeriesName(ShardTiming shard) => SiloAndDevice(shard.Worker, shard.Device);

    /// <summary>
    /// A worker (its key: <c>SILO-ADDRESS|DEVICE</c>) as people read it: the silo's endpoint without its generation, then
    /// the device, e.g. <c>10.0.0.4:11111 cuda:0</c>. Two silos' <c>cpu:0</c> stay two.
    /// </summary>
    public static string SiloAndDevice(string worker, string device)
    {
        var split = worker.LastIndexOf('|');
        var silo = split > 0 ? worker[..split] : worker;
        var generation = silo.LastIndexOf('@');
        return $"{(generation > 0 ? silo[..generation] : silo)} {device}";
    }

    /// <summary>Images per second of each (silo, device) over the job, in <see cref="Bins"/> time bins: one line each.</summary>
    public static string Throughput(IReadOnlyList<ShardTiming> timeline)
    {
        var end = Math.Max(timeline.Max(t => t.EndSeconds), 1e-3);
        var binWidth = end / Bins;
        var series = timeline.GroupBy(SeriesName).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        var plot = NewPlot();
        var centres = Enumerable.Range(0, Bins).Select(b => (b + 0.5) * binWidth).ToArray();
        var max = 0.0;
        for (var s = 0; s < series.Count; s++)
        {
            var rates = new double[Bins];
            foreach (var shard in series[s])
            {
                var span = Math.Max(shard.EndSeconds - shard.StartSeconds, 1e-6);
                for (var b = 0; b < Bins; b++)
                {
                    var overlap = Math.Min(shard.EndSeconds, (b + 1) * binWidth) - Math.Max(shard.StartSeconds, b * binWidth);
                    if (overlap > 0)
                    {
                        rates[b] += shard.Images * (overlap / span) / binWidth;
                    }
                }
            }

            max = Math.Max(max, rates.Max());
            var line = plot.Add.ScatterLine(centres, rates, Color.FromHex(Palette[s % Palette.Length]));
            line.LineWidth = 3;
            line.LegendText = series[s].Key;
        }

        plot.Axes.SetLimits(0, end, 0, Math.Max(max, 1e-6) * 1.08);
        plot.XLabel("seconds since the job started");
        plot.YLabel("images/s");
        plot.ShowLegend(Edge.Right);
        return Svg(plot, "throughput", 900, 280);
    }

    /// <summary>Top-1 accuracy per class, worst first, one labelled bar each (the worst <see cref="MaxBars"/> when there are more).</summary>
    public static string ClassAccuracy(IReadOnlyList<ClassAccuracy> worstFirst)
    {
        var shown = worstFirst.Take(MaxBars).ToList();
        var plot = NewPlot();
        // Worst at the top: the first class gets the highest position.
        var bars = shown.Select((c, i) => new Bar
        {
            Position = shown.Count - 1 - i,
            Value = c.Top1Accuracy,
            FillColor = Color.FromHex(c.Top1Accuracy > 0 ? AccuracyColor : ZeroColor),
            LineWidth = 0,
            // A 0 % label starts past the marker drawn where its bar would be.
            Label = (c.Top1Accuracy > 0 ? "" : "    ") + $"{c.Top1Accuracy.ToString("F1", Invariant)} % of {c.Images.ToString("N0", Invariant)}",
        }).ToList();
        var plotted = plot.Add.Bars(bars);
        plotted.Horizontal = true;
        plotted.ValueLabelStyle.FontSize = 11;
        if (ChartFont.Family is { } family)
        {
            plotted.ValueLabelStyle.FontName = family;
        }

        // A class at 0 % has no bar to see: a marker at the axis keeps it visible beside its label.
        var zeros = shown.Select((c, i) => (c, i)).Where(x => x.c.Top1Accuracy <= 0).ToList();
        if (zeros.Count > 0)
        {
            // Just right of the axis, so that the plot's edge does not clip half of it.
            var markers = plot.Add.ScatterPoints(zeros.Select(_ => 1.0).ToArray(), zeros.Select(z => (double)(shown.Count - 1 - z.i)).ToArray(), Color.FromHex(ZeroColor));
            markers.MarkerShape = MarkerShape.FilledSquare;
            markers.MarkerSize = 11;
        }

        plot.Axes.Left.SetTicks(shown.Select((_, i) => (double)(shown.Count - 1 - i)).ToArray(), shown.Select(c => $"{c.ClassIndex} {c.Name}").ToArray());
        plot.Axes.Left.MajorTickStyle.Length = 0;
        // Room right of 100 % for the last bars' labels.
        plot.Axes.SetLimits(0, 125, -0.7, shown.Count - 0.3);
        plot.XLabel(shown.Count < worstFirst.Count
            ? $"top-1 accuracy (%), the worst {shown.Count} of {worstFirst.Count.ToString("N0", Invariant)} classes"
            : $"top-1 accuracy (%), {shown.Count} classes, worst first");
        return Svg(plot, "accuracy", 900, 70 + 18 * shown.Count);
    }

    private static Plot NewPlot()
    {
        var plot = new Plot();
        if (ChartFont.Family is { } family)
        {
            plot.Font.Set(family);
        }

        return plot;
    }

    /// <summary>ScottPlot's SVG without its XML declaration (it is inlined in HTML), with the id the page and tests refer to.</summary>
    private static string Svg(Plot plot, string id, int width, int height)
    {
        var svg = plot.GetSvgXml(width, height);
        svg = svg[(svg.IndexOf("<svg", StringComparison.Ordinal) + "<svg".Length)..];
        // The report names no other address than SVG's own namespace; ScottPlot declares xlink without using it.
        const string xlink = " xmlns:xlink=\"http://www.w3.org/1999/xlink\"";
        if (!svg.Contains("xlink:", StringComparison.Ordinal))
        {
            svg = svg.Replace(xlink, "", StringComparison.Ordinal);
        }

        return $"<svg id=\"{id}\" role=\"img\"" + svg;
    }
}
