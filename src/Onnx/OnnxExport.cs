using System;
using System.IO;
using Google.Protobuf;
using NetDsl.Onnx;

namespace NetDsl;

/// <summary>
/// Writes a trained NetDsl network as a standard ONNX model (protobuf), for ONNX Runtime and every other ONNX consumer.
/// </summary>
/// <remarks>
/// <para>
/// The model computes what <see cref="NetworkExtensions.Predict(INetwork, Dataset, int)"/> computes (inference mode:
/// BatchNorm on its moving statistics, dropout off, RReLU at its mean slope): one input
/// (<see cref="OnnxExportOptions.InputName"/>, float, <c>[batch, …InputShape]</c> or <c>[batch, InputSize]</c> with
/// <see cref="OnnxExportOptions.FlattenInput"/>) and one output (<see cref="OnnxExportOptions.OutputName"/>, float,
/// <c>[batch, OutputSize]</c>), the batch dimension dynamic. Layers map to <c>Gemm</c> (Dense), <c>Relu</c>,
/// <c>LeakyRelu</c> (LeakyReLU and RReLU), <c>Elu</c>, <c>Selu</c>, <c>Sigmoid</c>, <c>Tanh</c>, <c>Softmax</c>,
/// <c>BatchNormalization</c> (or folded into the preceding Dense), <c>Add</c>, <c>Concat</c> and <c>Flatten</c>;
/// Dropout and AlphaDropout, the identity at inference, write no node.
/// </para>
/// <para>
/// The network is read, never changed. A network with a non-finite weight or statistic is refused
/// (<see cref="ArgumentException"/>) and nothing is written.
/// </para>
/// </remarks>
public static class OnnxExport
{
    /// <summary>
    /// Writes <paramref name="network"/> as an ONNX model to <paramref name="path"/>, atomically: the model is built in
    /// memory, written to a temporary file beside <paramref name="path"/>, flushed to disk and renamed over it, so a
    /// failed export leaves no partial file and an existing file intact.
    /// </summary>
    /// <param name="network">The network to export.</param>
    /// <param name="path">The file to write (usually <c>*.onnx</c>); its directory must exist.</param>
    /// <param name="options">How to write the model; <c>null</c> for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> or <paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty, the options are invalid, or a weight is not finite.</exception>
    /// <exception cref="DirectoryNotFoundException">The directory of <paramref name="path"/> does not exist.</exception>
    /// <exception cref="IOException"><paramref name="path"/> is a directory, or the file cannot be written.</exception>
    /// <exception cref="NotSupportedException">The network has a layer the exporter does not know.</exception>
    public static void ExportOnnx(this INetwork network, string path, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(path);
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("The path must not be empty.", nameof(path));
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new IOException($"Cannot write the ONNX model to '{path}': it is a directory.");
        string directory = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Cannot write the ONNX model to '{path}': the directory '{directory}' does not exist.");
        }
        byte[] bytes = network.ToOnnxBytes(options);
        AtomicFile.Write(full, bytes);
    }

    /// <summary>
    /// Writes <paramref name="network"/> as an ONNX model to <paramref name="stream"/> (at its current position; the
    /// stream is neither flushed nor closed). The model is built in memory first: when the export fails, nothing is
    /// written.
    /// </summary>
    /// <param name="network">The network to export.</param>
    /// <param name="stream">A writable stream.</param>
    /// <param name="options">How to write the model; <c>null</c> for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> or <paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is not writable, the options are invalid, or a weight is not finite.</exception>
    /// <exception cref="NotSupportedException">The network has a layer the exporter does not know.</exception>
    public static void ExportOnnx(this INetwork network, Stream stream, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite) throw new ArgumentException("The stream is not writable.", nameof(stream));
        byte[] bytes = network.ToOnnxBytes(options);
        stream.Write(bytes, 0, bytes.Length);
    }

    /// <summary>
    /// The ONNX model of <paramref name="network"/> as bytes (the content of the <c>.onnx</c> file), e.g. for
    /// <c>new InferenceSession(bytes)</c> without a file.
    /// </summary>
    /// <param name="network">The network to export.</param>
    /// <param name="options">How to write the model; <c>null</c> for the defaults.</param>
    /// <returns>The serialized <c>ModelProto</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> is null.</exception>
    /// <exception cref="ArgumentException">The options are invalid, or a weight is not finite.</exception>
    /// <exception cref="NotSupportedException">The network has a layer the exporter does not know.</exception>
    public static byte[] ToOnnxBytes(this INetwork network, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        options ??= new OnnxExportOptions();
        options.Validate();
        return OnnxModelBuilder.Build(network, options).ToByteArray();
    }
}
