using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace NetDsl;

/// <summary>Why a weight file was refused.</summary>
public enum WeightFileProblem
{
    /// <summary>The file does not start with NetDsl's magic bytes.</summary>
    NotAWeightFile,
    /// <summary>The file was written by a format version this runtime does not read.</summary>
    UnsupportedVersion,
    /// <summary>The file is shorter than its header says.</summary>
    Truncated,
    /// <summary>The checksum does not match: the file was damaged.</summary>
    Damaged,
    /// <summary>The file holds the weights of a network of another architecture.</summary>
    DifferentArchitecture,
}

/// <summary>A weight file that cannot be loaded; the model it was loaded into is unchanged.</summary>
public sealed class WeightFileException : IOException
{
    /// <summary>Creates the exception.</summary>
    public WeightFileException(WeightFileProblem problem, string message) : base(message) => Problem = problem;

    /// <summary>What is wrong with the file.</summary>
    public WeightFileProblem Problem { get; }
}

/// <summary>
/// NetDsl's weight files (<c>docs/weight-file-format.md</c>): a versioned header with the model's name and
/// architecture, the weights and the non-trainable state as little-endian floats, and a SHA-256 checksum of all of it.
/// Saving is atomic (a temporary file in the same directory, flushed, then renamed over the old one); a failed load
/// leaves the model untouched.
/// </summary>
public static class WeightFile
{
    /// <summary>The format version this runtime writes.</summary>
    public const int FormatVersion = 1;

    private static ReadOnlySpan<byte> Magic => "NETDSLW\0"u8;
    private const int ChecksumLength = 32;

    /// <summary>Saves the model's weights and BatchNorm statistics to <paramref name="path"/>, atomically.</summary>
    public static void SaveWeights(this INetwork model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        byte[] bytes = Serialize(model);
        AtomicFile.Write(path, bytes);
    }

    /// <summary>
    /// Loads weights saved by <see cref="SaveWeights"/> for a network of the same architecture. The whole file is
    /// checked (format, version, checksum, architecture, sizes) before any weight is changed.
    /// </summary>
    /// <exception cref="WeightFileException">The file is not a NetDsl weight file, of another version, damaged, truncated, or of another architecture.</exception>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    public static void LoadWeights(this INetwork model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path)) throw new IOException($"{path} is a directory, not a weight file.");
        byte[] bytes = File.ReadAllBytes(path);
        (float[] parameters, float[] state, _) = Deserialize(model, bytes, Path.GetFileName(path));
        parameters.CopyTo(model.Parameters);
        state.CopyTo(model.State);
    }

    /// <summary>
    /// Saves a training checkpoint: the weights and statistics (as <see cref="SaveWeights"/>) plus the optimizer's
    /// state — step count, learning rate, slots — so that <see cref="LoadCheckpoint"/> resumes training
    /// bit-identically. Atomic, like <see cref="SaveWeights"/>.
    /// </summary>
    public static void SaveCheckpoint(this INetwork model, string path, Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        AtomicFile.Write(path, Serialize(model, optimizer.CaptureState()));
    }

    /// <summary>
    /// Loads a checkpoint written by <see cref="SaveCheckpoint"/> into the model and the optimizer (of the same type
    /// and settings). Everything is checked first; on any error neither the model nor the optimizer changes.
    /// </summary>
    public static void LoadCheckpoint(this INetwork model, string path, Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path)) throw new IOException($"{path} is a directory, not a checkpoint.");
        string fileName = Path.GetFileName(path);
        (float[] parameters, float[] state, CheckpointState? checkpoint) = Deserialize(model, File.ReadAllBytes(path), fileName);
        if (checkpoint is null)
        {
            throw new WeightFileException(WeightFileProblem.NotAWeightFile, $"{fileName} holds weights only, no optimizer state: load it with LoadWeights.");
        }
        if ((checkpoint.Random.S0 | checkpoint.Random.S1 | checkpoint.Random.S2 | checkpoint.Random.S3) == 0)
        {
            throw new WeightFileException(WeightFileProblem.Damaged, $"{fileName} is inconsistent: its random state is invalid.");
        }
        OptimizerState before = optimizer.CaptureState();
        try
        {
            optimizer.RestoreState(checkpoint.Optimizer);
        }
        catch (ArgumentException e)
        {
            optimizer.RestoreState(before);
            throw new WeightFileException(WeightFileProblem.DifferentArchitecture, $"{fileName}: {e.Message}");
        }
        parameters.CopyTo(model.Parameters);
        state.CopyTo(model.State);
        model.TrainingRandom.SetState(checkpoint.Random);
    }

    private static ReadOnlySpan<byte> CheckpointMagic => "NETDSLC\0"u8;
    private const int RandomStateLength = 4 * 8 + 8 + 4;

    /// <summary>An optimizer state read from a checkpoint, with the network's training random state.</summary>
    private sealed record CheckpointState(string TypeName, long Iterations, double LearningRate, int ParameterLength, IReadOnlyList<float[]> Slots, double[] Scalars, SeededRandomState Random)
    {
        public OptimizerState Optimizer => new(TypeName, Iterations, LearningRate, ParameterLength, Slots, Scalars);
    }

    internal static byte[] Serialize(INetwork model, OptimizerState? optimizer = null)
    {
        string name = ModelName(model);
        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        byte[] archBytes = Encoding.UTF8.GetBytes(model.Architecture);
        int p = model.Parameters.Length, s = model.State.Length;
        long length = Magic.Length + 4 + 4 + nameBytes.Length + 4 + archBytes.Length + 4 + 4 + 4L * (p + s) + ChecksumLength;
        byte[] typeBytes = Array.Empty<byte>();
        if (optimizer is not null)
        {
            typeBytes = Encoding.UTF8.GetBytes(optimizer.TypeName);
            length += 4 + typeBytes.Length + 8 + 8 + 4 + 4 + 4 + 8L * optimizer.Scalars.Length + RandomStateLength;
            foreach (float[] slot in optimizer.Slots) length += 4 + 4L * slot.Length;
        }
        var bytes = new byte[length];
        var w = new SpanWriter(bytes);
        w.Bytes(optimizer is null ? Magic : CheckpointMagic);
        w.Int(FormatVersion);
        w.Int(nameBytes.Length);
        w.Bytes(nameBytes);
        w.Int(archBytes.Length);
        w.Bytes(archBytes);
        w.Int(p);
        w.Int(s);
        w.Floats(model.Parameters);
        w.Floats(model.State);
        if (optimizer is not null)
        {
            w.Int(typeBytes.Length);
            w.Bytes(typeBytes);
            w.Long(optimizer.Iterations);
            w.Double(optimizer.LearningRate);
            w.Int(optimizer.ParameterLength);
            w.Int(optimizer.Scalars.Length);
            foreach (double d in optimizer.Scalars) w.Double(d);
            w.Int(optimizer.Slots.Count);
            foreach (float[] slot in optimizer.Slots)
            {
                w.Int(slot.Length);
                w.Floats(slot);
            }
            SeededRandomState random = model.TrainingRandom.GetState();
            w.Long((long)random.S0);
            w.Long((long)random.S1);
            w.Long((long)random.S2);
            w.Long((long)random.S3);
            w.Double(random.SpareGaussian);
            w.Int(random.HasSpareGaussian ? 1 : 0);
        }
        SHA256.HashData(bytes.AsSpan(0, w.Position), bytes.AsSpan(w.Position, ChecksumLength));
        return bytes;
    }

    private static (float[] Parameters, float[] State, CheckpointState? Checkpoint) Deserialize(INetwork model, byte[] bytes, string fileName)
    {
        int minimum = Magic.Length + 4;
        bool checkpoint = bytes.Length >= CheckpointMagic.Length && bytes.AsSpan(0, CheckpointMagic.Length).SequenceEqual(CheckpointMagic);
        if (!checkpoint && (bytes.Length < Magic.Length || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic)))
        {
            throw new WeightFileException(WeightFileProblem.NotAWeightFile, bytes.Length == 0
                ? $"{fileName} is empty: it is not a NetDsl weight file."
                : $"{fileName} is not a NetDsl weight file (it does not start with NETDSLW or NETDSLC).");
        }
        if (bytes.Length < minimum) throw new WeightFileException(WeightFileProblem.Truncated, $"{fileName} is truncated: it ends inside the header.");
        int version = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(Magic.Length));
        if (version != FormatVersion)
        {
            throw new WeightFileException(WeightFileProblem.UnsupportedVersion,
                $"{fileName} has weight-file format version {version}; this NetDsl reads version {FormatVersion}.");
        }
        if (bytes.Length < minimum + ChecksumLength)
        {
            throw new WeightFileException(WeightFileProblem.Truncated, $"{fileName} is truncated ({bytes.Length} bytes).");
        }
        // The checksum covers everything before it; checking it first means no length below is trusted blindly.
        Span<byte> hash = stackalloc byte[ChecksumLength];
        SHA256.HashData(bytes.AsSpan(0, bytes.Length - ChecksumLength), hash);
        var reader = new SpanReader(bytes, bytes.Length - ChecksumLength);
        reader.Skip(minimum);
        string name = reader.String();
        string architecture = reader.String();
        int p = reader.Int(), s = reader.Int();
        long remaining = bytes.Length - ChecksumLength - reader.Position;
        bool lengthsFit = p >= 0 && s >= 0 && (checkpoint ? 4L * (p + (long)s) <= remaining : 4L * (p + (long)s) == remaining);
        if (!hash.SequenceEqual(bytes.AsSpan(bytes.Length - ChecksumLength)))
        {
            throw lengthsFit || reader.Failed
                ? new WeightFileException(WeightFileProblem.Damaged, $"{fileName} is damaged: its checksum does not match its contents.")
                : new WeightFileException(WeightFileProblem.Truncated, $"{fileName} is truncated or damaged: it has {bytes.Length} bytes, which does not fit its header.");
        }
        if (reader.Failed || !lengthsFit)
        {
            throw new WeightFileException(WeightFileProblem.Damaged, $"{fileName} is inconsistent: its header does not fit its size.");
        }
        if (architecture != model.Architecture || p != model.Parameters.Length || s != model.State.Length)
        {
            throw new WeightFileException(WeightFileProblem.DifferentArchitecture,
                $"{fileName} holds the weights of '{name}' ({architecture}); they do not fit '{ModelName(model)}' ({model.Architecture}).");
        }
        float[] parameters = reader.Floats(p), state = reader.Floats(s);
        if (!checkpoint) return (parameters, state, null);

        string type = reader.String();
        long iterations = reader.Long();
        double learningRate = reader.Double();
        int parameterLength = reader.Int();
        int scalarCount = reader.Int();
        var scalars = new double[Math.Max(0, Math.Min(scalarCount, 64))];
        if (scalarCount < 0 || scalarCount > 64) reader.Fail();
        for (int i = 0; i < scalars.Length; i++) scalars[i] = reader.Double();
        int slotCount = reader.Int();
        if (slotCount < 0 || slotCount > 16) reader.Fail();
        var slots = new float[Math.Max(0, Math.Min(slotCount, 16))][];
        for (int i = 0; i < slots.Length && !reader.Failed; i++)
        {
            int length = reader.Int();
            slots[i] = length >= 0 && reader.CanRead(4L * length) ? reader.Floats(length) : Fail(ref reader);
        }
        var randomState = new SeededRandomState((ulong)reader.Long(), (ulong)reader.Long(), (ulong)reader.Long(), (ulong)reader.Long(), reader.Double(), reader.Int() == 1);
        if (reader.Failed || reader.Position != bytes.Length - ChecksumLength)
        {
            throw new WeightFileException(WeightFileProblem.Damaged, $"{fileName} is inconsistent: its optimizer section does not fit its size.");
        }
        return (parameters, state, new CheckpointState(type, iterations, learningRate, parameterLength, slots, scalars, randomState));

        static float[] Fail(ref SpanReader r)
        {
            r.Fail();
            return Array.Empty<float>();
        }
    }

    private static string ModelName(INetwork model) => model.GetType().Name;

    private ref struct SpanWriter
    {
        private readonly Span<byte> _bytes;

        public SpanWriter(Span<byte> bytes)
        {
            _bytes = bytes;
            Position = 0;
        }

        public int Position { get; private set; }

        public void Bytes(ReadOnlySpan<byte> value)
        {
            value.CopyTo(_bytes[Position..]);
            Position += value.Length;
        }

        public void Int(int value)
        {
            BinaryPrimitives.WriteInt32LittleEndian(_bytes[Position..], value);
            Position += 4;
        }

        public void Long(long value)
        {
            BinaryPrimitives.WriteInt64LittleEndian(_bytes[Position..], value);
            Position += 8;
        }

        public void Double(double value)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(_bytes[Position..], value);
            Position += 8;
        }

        public void Floats(ReadOnlySpan<float> values)
        {
            Span<byte> dst = _bytes.Slice(Position, values.Length * 4);
            if (BitConverter.IsLittleEndian) MemoryMarshal.AsBytes(values).CopyTo(dst);
            else for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(dst[(i * 4)..], values[i]);
            Position += values.Length * 4;
        }
    }

    private ref struct SpanReader
    {
        private readonly ReadOnlySpan<byte> _bytes;
        private readonly int _end;

        public SpanReader(ReadOnlySpan<byte> bytes, int end)
        {
            _bytes = bytes;
            _end = end;
            Position = 0;
            Failed = false;
        }

        public int Position { get; private set; }

        public bool Failed { get; private set; }

        public void Skip(int count) => Position += count;

        public void Fail() => Failed = true;

        public bool CanRead(long count) => Position + count <= _end;

        public long Long()
        {
            if (Position + 8 > _end) { Failed = true; return -1; }
            long v = BinaryPrimitives.ReadInt64LittleEndian(_bytes[Position..]);
            Position += 8;
            return v;
        }

        public double Double()
        {
            if (Position + 8 > _end) { Failed = true; return double.NaN; }
            double v = BinaryPrimitives.ReadDoubleLittleEndian(_bytes[Position..]);
            Position += 8;
            return v;
        }

        public int Int()
        {
            if (Position + 4 > _end) { Failed = true; return -1; }
            int v = BinaryPrimitives.ReadInt32LittleEndian(_bytes[Position..]);
            Position += 4;
            return v;
        }

        public string String()
        {
            int length = Int();
            if (length < 0 || Position + length > _end) { Failed = true; return ""; }
            string s = Encoding.UTF8.GetString(_bytes.Slice(Position, length));
            Position += length;
            return s;
        }

        public float[] Floats(int count)
        {
            var values = new float[count];
            ReadOnlySpan<byte> src = _bytes.Slice(Position, count * 4);
            if (BitConverter.IsLittleEndian) src.CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
            else for (int i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(src[(i * 4)..]);
            Position += count * 4;
            return values;
        }
    }
}
