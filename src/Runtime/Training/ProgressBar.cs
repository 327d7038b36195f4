using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;

namespace NetDsl;

/// <summary>
/// Keras's progress bar (<c>verbose=1</c>): <c>1719/1719 [==============================] - 3s 2ms/step - loss: 0.4925 - accuracy: 0.8253</c>.
/// On a terminal it redraws in place at most ten times a second; when the output is redirected it writes each epoch's
/// final line only. <c>verbose=2</c> writes one line per epoch without the bar.
/// </summary>
internal sealed class ProgressBar
{
    private const int Width = 30;
    private readonly TextWriter _out;
    private readonly int _verbose;
    private readonly bool _interactive;
    private readonly int _total;
    private readonly Stopwatch _clock = new();
    private long _lastDraw;
    private readonly StringBuilder _sb = new(160);

    public ProgressBar(TextWriter output, int verbose, bool interactive, int total)
    {
        _out = output;
        _verbose = verbose;
        _interactive = interactive;
        _total = total;
    }

    public void StartEpoch(int epoch, int epochs)
    {
        if (_verbose > 0) _out.WriteLine($"Epoch {(epoch + 1).ToString(CultureInfo.InvariantCulture)}/{epochs.ToString(CultureInfo.InvariantCulture)}");
        _clock.Restart();
        _lastDraw = 0;
    }

    public void Update(int done, double loss, double accuracy)
    {
        if (_verbose != 1 || !_interactive || done == _total) return;
        long now = _clock.ElapsedMilliseconds;
        if (done > 1 && now - _lastDraw < 100) return;
        _lastDraw = now;
        _sb.Clear();
        _sb.Append('\r');
        AppendBar(done);
        double eta = done > 0 ? _clock.Elapsed.TotalSeconds / done * (_total - done) : 0;
        _sb.Append(" - ETA: ").Append(FormatDuration(eta));
        AppendMetric("loss", loss);
        if (!double.IsNaN(accuracy)) AppendMetric("accuracy", accuracy);
        _out.Write(_sb.ToString());
    }

    public void EndEpoch(IReadOnlyDictionary<string, double> logs)
    {
        if (_verbose == 0) return;
        double seconds = _clock.Elapsed.TotalSeconds;
        _sb.Clear();
        if (_verbose == 1 && _interactive) _sb.Append('\r');
        if (_verbose == 1) AppendBar(_total);
        else _sb.Append(_total.ToString(CultureInfo.InvariantCulture)).Append('/').Append(_total.ToString(CultureInfo.InvariantCulture));
        _sb.Append(" - ").Append(Math.Round(seconds).ToString(CultureInfo.InvariantCulture)).Append('s');
        if (_verbose == 1)
        {
            double perStep = seconds / Math.Max(1, _total);
            _sb.Append(' ').Append(perStep >= 1 ? $"{Math.Round(perStep).ToString(CultureInfo.InvariantCulture)}s/step"
                : perStep >= 1e-3 ? $"{Math.Round(perStep * 1e3).ToString(CultureInfo.InvariantCulture)}ms/step"
                : $"{Math.Round(perStep * 1e6).ToString(CultureInfo.InvariantCulture)}us/step");
        }
        foreach (KeyValuePair<string, double> kv in logs)
        {
            if (kv.Key == "lr") continue;
            AppendMetric(kv.Key, kv.Value);
        }
        _out.WriteLine(_sb.ToString());
    }

    private void AppendBar(int done)
    {
        string totalText = _total.ToString(CultureInfo.InvariantCulture);
        _sb.Append(done.ToString(CultureInfo.InvariantCulture).PadLeft(totalText.Length)).Append('/').Append(totalText).Append(" [");
        int filled = _total > 0 ? (int)((long)Width * done / _total) : Width;
        if (filled > 0)
        {
            _sb.Append('=', filled - 1);
            _sb.Append(done < _total ? '>' : '=');
        }
        _sb.Append('.', Width - filled).Append(']');
    }

    private void AppendMetric(string name, double value)
    {
        _sb.Append(" - ").Append(name).Append(": ").Append(FormatValue(value));
    }

    internal static string FormatValue(double value) =>
        Math.Abs(value) > 1e-3 || value == 0 || double.IsNaN(value)
            ? value.ToString("F4", CultureInfo.InvariantCulture)
            : value.ToString("0.0000e+00", CultureInfo.InvariantCulture);

    private static string FormatDuration(double seconds) =>
        seconds > 3600 ? $"{(int)(seconds / 3600)}:{(int)(seconds % 3600 / 60):00}:{(int)(seconds % 60):00}"
        : seconds > 60 ? $"{(int)(seconds / 60)}:{(int)(seconds % 60):00}"
        : $"{(int)seconds}s";
}
