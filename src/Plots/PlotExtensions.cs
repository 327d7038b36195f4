using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace NetDsl.Plots;

/// <summary>PNG plots of training: learning curves of a <see cref="History"/> and the LR finder's loss-versus-rate curve.</summary>
public static class PlotExtensions
{
    /// <summary>
    /// Draws the learning curves (the notebook's <c>pd.DataFrame(history.history).plot()</c>): one line per metric
    /// against the epoch, training metrics solid and validation metrics dashed, the learning rate left out (plot it
    /// with <paramref name="metrics"/> if wanted). Saves a PNG.
    /// </summary>
    /// <param name="history">What <c>Fit</c> returned.</param>
    /// <param name="path">The PNG file to write.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="metrics">The metrics to draw (default: all but <c>lr</c>).</param>
    /// <param name="title">A title.</param>
    public static void SaveLearningCurves(this History history, string path, int width = 800, int height = 500,
        IEnumerable<string>? metrics = null, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(path);
        CheckSize(width, height);
        string[] names = (metrics ?? history.Values.Keys.Where(k => k != "lr")).ToArray();
        if (names.Length == 0) throw new ArgumentException("There is nothing to plot: the history has no metric.", nameof(metrics));
        using var plot = new Plot();
        double[] epochs = history.Epoch.Select(e => (double)(e + 1)).ToArray();
        IPalette palette = new ScottPlot.Palettes.Category10();
        int colorIndex = 0;
        foreach (string name in names)
        {
            IReadOnlyList<double> values = history[name];
            string trainName = name.StartsWith("val_", StringComparison.Ordinal) ? name[4..] : name;
            int index = Array.IndexOf(names.Select(n => n.StartsWith("val_", StringComparison.Ordinal) ? n[4..] : n).Distinct().ToArray(), trainName);
            Color color = palette.GetColor(index < 0 ? colorIndex++ : index);
            var line = plot.Add.ScatterLine(epochs, values.ToArray(), color);
            line.LegendText = name;
            line.LineWidth = 2;
            line.MarkerSize = 5;
            if (name.StartsWith("val_", StringComparison.Ordinal)) line.LinePattern = LinePattern.Dashed;
        }
        plot.XLabel("Epoch");
        if (title is not null) plot.Title(title);
        plot.ShowLegend(Alignment.UpperRight);
        plot.Axes.Bottom.TickGenerator = new NumericAutomatic { IntegerTicksOnly = true };
        plot.SavePng(path, width, height);
    }

    /// <summary>
    /// Draws the LR finder's curve as the notebook's <c>plot_lr_vs_loss</c>: loss against the learning rate on a log
    /// axis, a horizontal line at the lowest (smoothed) loss, the view from that minimum up to halfway back to the
    /// first loss, and a vertical line at the suggested rate. Raw batch losses are drawn faintly under the smoothed curve.
    /// </summary>
    public static void SaveLossVersusRate(this LearningRateFinderResult result, string path, int width = 800, int height = 500)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(path);
        CheckSize(width, height);
        if (result.Rates.Length == 0) throw new ArgumentException("The LR finder recorded no batch.", nameof(result));
        using var plot = new Plot();
        double[] logRates = result.Rates.Select(Math.Log10).ToArray();
        double[] raw = result.Losses.Select(l => double.IsFinite(l) ? l : double.NaN).ToArray();
        var rawLine = plot.Add.ScatterLine(logRates, raw, Colors.Gray.WithAlpha(0.4));
        rawLine.LegendText = "batch loss";
        rawLine.MarkerSize = 0;
        var smooth = plot.Add.ScatterLine(logRates, result.SmoothedLosses, Colors.C0);
        smooth.LegendText = "smoothed loss";
        smooth.LineWidth = 2;
        smooth.MarkerSize = 0;
        double min = result.SmoothedLosses.Where(double.IsFinite).DefaultIfEmpty(0).Min();
        double first = result.SmoothedLosses[0];
        plot.Add.HorizontalLine(min, 1, Colors.Black, LinePattern.Dotted);
        var suggested = plot.Add.VerticalLine(Math.Log10(result.SuggestedRate), 1, Colors.C3, LinePattern.Dashed);
        suggested.LegendText = string.Create(CultureInfo.InvariantCulture, $"suggested {result.SuggestedRate:G2}");
        plot.Axes.Bottom.TickGenerator = new NumericAutomatic
        {
            IntegerTicksOnly = true,
            MinorTickGenerator = new LogMinorTickGenerator(),
            LabelFormatter = x => Math.Pow(10, x).ToString("G1", CultureInfo.InvariantCulture),
        };
        double top = (first + min) / 2;
        if (!(top > min)) top = min + 1;
        plot.Axes.SetLimits(logRates[0], logRates[^1], min - 0.02 * (top - min), top);
        plot.XLabel("Learning rate");
        plot.YLabel("Loss");
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, width, height);
    }

    private static void CheckSize(int width, int height)
    {
        if (width < 50 || height < 50 || width > 10_000 || height > 10_000)
        {
            bool widthWrong = width < 50 || width > 10_000;
            throw new ArgumentOutOfRangeException(widthWrong ? nameof(width) : nameof(height), $"The image must be between 50 and 10,000 pixels each way; got {width} × {height}.");
        }
    }
}
