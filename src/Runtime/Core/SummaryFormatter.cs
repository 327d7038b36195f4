using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace NetDsl;

/// <summary>
/// Formats Keras 2's <c>model.summary()</c> table (tf.keras 2.6, sequential layout: 65 columns, fields ending at
/// columns 29, 55 and 65, over-long fields cut, rows separated by underscores, totals with thousands separators).
/// </summary>
public static class SummaryFormatter
{
    private static readonly int[] SequentialPositions = { 29, 55, 65 };
    private static readonly int[] FunctionalPositions = { 32, 53, 65, 98 };

    /// <summary>
    /// The summary of <paramref name="layers"/>, as Keras prints it: the sequential table for a plain stack; for a
    /// network with skip connections (layers with <see cref="Layer.Inbound"/>), the functional one, 98 columns wide,
    /// with an <c>InputLayer</c> row of shape <paramref name="inputShape"/> and a "Connected to" column.
    /// </summary>
    public static string Format(string modelName, LayerCollection layers, int[]? inputShape = null)
    {
        ArgumentNullException.ThrowIfNull(layers);
        bool functional = false;
        foreach (Layer layer in layers) functional |= layer.Inbound is not null;
        int[] positions = functional ? FunctionalPositions : SequentialPositions;
        int lineLength = positions[^1];
        var sb = new StringBuilder();
        sb.Append("Model: \"").Append(modelName).Append('"').Append('\n');
        sb.Append('_', lineLength).Append('\n');
        if (functional) Row(sb, positions, "Layer (type)", "Output Shape", "Param #", "Connected to");
        else Row(sb, positions, "Layer (type)", "Output Shape", "Param #");
        sb.Append('=', lineLength).Append('\n');
        if (functional)
        {
            Row(sb, positions, "input_1 (InputLayer)", "[" + ShapeText(inputShape ?? Array.Empty<int>()) + "]", "0", "");
            sb.Append(layers.Count == 0 ? '=' : '_', lineLength).Append('\n');
        }
        long total = 0, trainable = 0;
        for (int i = 0; i < layers.Count; i++)
        {
            Layer layer = layers[i];
            total += layer.ParameterCount;
            trainable += layer.TrainableParameterCount;
            string name = $"{layer.Name} ({layer.TypeName})", count = layer.ParameterCount.ToString(CultureInfo.InvariantCulture);
            if (functional)
            {
                IReadOnlyList<string> inbound = layer.Inbound ?? Array.Empty<string>();
                Row(sb, positions, name, ShapeText(layer), count, inbound.Count > 0 ? inbound[0] + "[0][0]" : "");
                for (int c = 1; c < inbound.Count; c++) Row(sb, positions, "", "", "", inbound[c] + "[0][0]");
            }
            else
            {
                Row(sb, positions, name, ShapeText(layer), count);
            }
            sb.Append(i == layers.Count - 1 ? '=' : '_', lineLength).Append('\n');
        }
        if (layers.Count == 0 && !functional) sb.Append('=', lineLength).Append('\n');
        sb.Append("Total params: ").Append(total.ToString("N0", CultureInfo.InvariantCulture)).Append('\n');
        sb.Append("Trainable params: ").Append(trainable.ToString("N0", CultureInfo.InvariantCulture)).Append('\n');
        sb.Append("Non-trainable params: ").Append((total - trainable).ToString("N0", CultureInfo.InvariantCulture)).Append('\n');
        sb.Append('_', lineLength).Append('\n');
        return sb.ToString();
    }

    /// <summary>Keras's output-shape text, e.g. <c>(None, 300)</c>.</summary>
    public static string ShapeText(Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return ShapeText(layer.OutputShape);
    }

    private static string ShapeText(IReadOnlyList<int> shape)
    {
        var sb = new StringBuilder("(None");
        foreach (int d in shape) sb.Append(", ").Append(d.ToString(CultureInfo.InvariantCulture));
        return sb.Append(')').ToString();
    }

    // Keras's print_row: each field is appended after replacing the previous line's last character with a space,
    // then cut or padded to its end position.
    private static void Row(StringBuilder sb, int[] positions, params string[] fields)
    {
        string line = "";
        for (int i = 0; i < fields.Length; i++)
        {
            if (i > 0) line = line[..^1] + " ";
            line += fields[i];
            if (line.Length > positions[i]) line = line[..positions[i]];
            line = line.PadRight(positions[i]);
        }
        sb.Append(line).Append('\n');
    }
}
