using System;
using System.Globalization;
using System.Text;

namespace NetDsl;

/// <summary>
/// Formats Keras 2's <c>model.summary()</c> table (tf.keras 2.6, sequential layout: 65 columns, fields ending at
/// columns 29, 55 and 65, over-long fields cut, rows separated by underscores, totals with thousands separators).
/// </summary>
public static class SummaryFormatter
{
    private const int LineLength = 65;
    private static readonly int[] Positions = { 29, 55, 65 };

    /// <summary>The summary of <paramref name="layers"/>, as Keras prints it.</summary>
    public static string Format(string modelName, LayerCollection layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        var sb = new StringBuilder();
        sb.Append("Model: \"").Append(modelName).Append('"').Append('\n');
        sb.Append('_', LineLength).Append('\n');
        Row(sb, "Layer (type)", "Output Shape", "Param #");
        sb.Append('=', LineLength).Append('\n');
        long total = 0, trainable = 0;
        for (int i = 0; i < layers.Count; i++)
        {
            Layer layer = layers[i];
            total += layer.ParameterCount;
            trainable += layer.TrainableParameterCount;
            Row(sb, $"{layer.Name} ({layer.TypeName})", ShapeText(layer), layer.ParameterCount.ToString(CultureInfo.InvariantCulture));
            sb.Append(i == layers.Count - 1 ? '=' : '_', LineLength).Append('\n');
        }
        if (layers.Count == 0) sb.Append('=', LineLength).Append('\n');
        sb.Append("Total params: ").Append(total.ToString("N0", CultureInfo.InvariantCulture)).Append('\n');
        sb.Append("Trainable params: ").Append(trainable.ToString("N0", CultureInfo.InvariantCulture)).Append('\n');
        sb.Append("Non-trainable params: ").Append((total - trainable).ToString("N0", CultureInfo.InvariantCulture)).Append('\n');
        sb.Append('_', LineLength).Append('\n');
        return sb.ToString();
    }

    /// <summary>Keras's output-shape text, e.g. <c>(None, 300)</c>.</summary>
    public static string ShapeText(Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        var sb = new StringBuilder("(None");
        foreach (int d in layer.OutputShape) sb.Append(", ").Append(d.ToString(CultureInfo.InvariantCulture));
        return sb.Append(')').ToString();
    }

    // Keras's print_row: each field is appended after replacing the previous line's last character with a space,
    // then cut or padded to its end position.
    private static void Row(StringBuilder sb, params string[] fields)
    {
        string line = "";
        for (int i = 0; i < fields.Length; i++)
        {
            if (i > 0) line = line[..^1] + " ";
            line += fields[i];
            if (line.Length > Positions[i]) line = line[..Positions[i]];
            line = line.PadRight(Positions[i]);
        }
        sb.Append(line).Append('\n');
    }
}
