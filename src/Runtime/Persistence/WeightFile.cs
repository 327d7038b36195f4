using System;
using System.Buffers.Binary;
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
        WriteAtomically(path, bytes);
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
        (float[] parameters, float[] state) = Deserialize(model, bytes, Path.GetFileName(path));
        parameters.CopyTo(model.Parameters);
        state.CopyTo(model.State);
    }

    internal static byte[] Serialize(INetwork model)
    {
        string name = ModelName(model);
        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        byte[] archBytes = Encoding.UTF8.GetBytes(model.Architecture);
        int p = model.Parameters.Length, s = model.State.Length;
        int length = Magic.Length + 4 + 4 + nameBytes.Length + 4 + archBytes.Length + 4 + 4 + 4 * (p + s) + ChecksumLength;
        var bytes = new byte[length];
        var w = new SpanWriter(bytes);
        w.Bytes(Magic);
        w.Int(FormatVersion);
        w.Int(nameBytes.Length);
        w.Bytes(nameBytes);
        w.Int(archBytes.Length);
        w.Bytes(archBytes);
        w.Int(p);
        w.Int(s);
        w.Floats(model.Parameters);
        w.Floats(model.State);
        SHA256.HashData(bytes.AsSpan(0, w.Position), bytes.AsSpan(w.Position, ChecksumLength));
        return bytes;
    }

    internal static (float[] Parameters, float[] State) Deserialize(INetwork model, byte[] bytes, string fileName)
    {
        int minimum = Magic.Length + 4;
        if (bytes.Length < Magic.Length || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new WeightFileException(WeightFileProblem.NotAWeightFile, bytes.Length == 0
                ? $"{fileName} is empty: it is not a NetDsl weight file."
                : $"{fileName} is not a NetDsl weight file (it does not start with NETDSLW).");
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
        var reader = new SpanReader(bytes, bytes.Length - ChecksumLength, fileName);
        reader.Skip(minimum);
        string name = reader.String();
        string architecture = reader.String();
        int p = reader.Int(), s = reader.Int();
        bool lengthsFit = p >= 0 && s >= 0 && (long)4 * (p + (long)s) == bytes.Length - ChecksumLength - reader.Position;
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
        return (parameters, state);
    }

    private static string ModelName(INetwork model) => model.GetType().Name;

    /// <summary>Writes <paramref name="bytes"/> to a temporary file next to <paramref name="path"/>, flushes it to disk, and renames it over <paramref name="path"/>.</summary>
    internal static void WriteAtomically(string path, ReadOnlySpan<byte> bytes, Action<string>? beforeRename = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new IOException($"{path} is a directory.");
        string directory = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(directory);
        string temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            beforeRename?.Invoke(temp);
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }

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

        public SpanReader(ReadOnlySpan<byte> bytes, int end, string fileName)
        {
            _bytes = bytes;
            _end = end;
            Position = 0;
            Failed = false;
            _ = fileName;
        }

        public int Position { get; private set; }

        public bool Failed { get; private set; }

        public void Skip(int count) => Position += count;

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
