using System;
using System.Buffers.Binary;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Text;

namespace NetDsl;

/// <summary>The element type of an IDX file (the third byte of its magic number).</summary>
public enum IdxDataType : byte
{
    /// <summary>Unsigned byte (0x08), as in MNIST and Fashion-MNIST.</summary>
    UnsignedByte = 0x08,

    /// <summary>Signed byte (0x09).</summary>
    SignedByte = 0x09,

    /// <summary>Big-endian 16-bit signed integer (0x0B).</summary>
    Int16 = 0x0B,

    /// <summary>Big-endian 32-bit signed integer (0x0C).</summary>
    Int32 = 0x0C,

    /// <summary>Big-endian 32-bit IEEE float (0x0D).</summary>
    Single = 0x0D,

    /// <summary>Big-endian 64-bit IEEE double (0x0E).</summary>
    Double = 0x0E,
}

/// <summary>
/// The contents of an IDX file: an element type, a shape (every dimension positive) and the elements,
/// row-major, kept as the file's big-endian bytes.
/// </summary>
public sealed class IdxArray
{
    private readonly int[] _shape;
    private readonly byte[] _data;

    /// <summary>Creates an array from raw element bytes in IDX order (big-endian for multi-byte types).</summary>
    /// <param name="dataType">The element type.</param>
    /// <param name="shape">The dimensions, 1 to 255 of them, each positive. The array is copied.</param>
    /// <param name="data">
    /// The elements' bytes: exactly (product of <paramref name="shape"/>) × element size. The array is copied.
    /// </param>
    /// <exception cref="ArgumentException">The type is unknown, the shape is invalid, or the data has the wrong length.</exception>
    public IdxArray(IdxDataType dataType, int[] shape, byte[] data)
        : this(dataType, (int[])CheckNotNull(shape, nameof(shape)).Clone(), (byte[])CheckNotNull(data, nameof(data)).Clone(), validate: true)
    {
    }

    private IdxArray(IdxDataType dataType, int[] shape, byte[] data, bool validate)
    {
        if (validate)
        {
            int elementSize = Idx.ElementSize(dataType);
            if (elementSize == 0)
            {
                throw new ArgumentException($"Unknown IDX element type 0x{(byte)dataType:X2}.", nameof(dataType));
            }

            long bytes = Idx.CheckShapeForWriting(shape, elementSize);
            if (data.Length != bytes)
            {
                throw new ArgumentException(
                    $"A {Idx.FormatShape(shape)} array of {dataType} needs {bytes} bytes of data; got {data.Length}.", nameof(data));
            }
        }

        DataType = dataType;
        _shape = shape;
        _data = data;
    }

    /// <summary>The element type.</summary>
    public IdxDataType DataType { get; }

    /// <summary>The dimensions (e.g. <c>[60000, 28, 28]</c> for MNIST's training images).</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>The number of elements (the product of <see cref="Shape"/>).</summary>
    public int Length => _data.Length / Idx.ElementSize(DataType);

    /// <summary>The elements' raw bytes, as stored in the file (big-endian for multi-byte types).</summary>
    public ReadOnlySpan<byte> RawData => _data;

    /// <summary>Creates an unsigned-byte array.</summary>
    /// <param name="values">The elements, row-major.</param>
    /// <param name="shape">The dimensions; their product must equal <c>values.Length</c>.</param>
    /// <returns>The array.</returns>
    public static IdxArray FromBytes(ReadOnlySpan<byte> values, params int[] shape) =>
        new(IdxDataType.UnsignedByte, (int[])CheckNotNull(shape, nameof(shape)).Clone(), values.ToArray(), validate: true);

    /// <summary>Creates a 32-bit integer array.</summary>
    /// <param name="values">The elements, row-major.</param>
    /// <param name="shape">The dimensions; their product must equal <c>values.Length</c>.</param>
    /// <returns>The array.</returns>
    public static IdxArray FromInt32(ReadOnlySpan<int> values, params int[] shape)
    {
        var data = new byte[checked(values.Length * 4)];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(i * 4), values[i]);
        }

        return new(IdxDataType.Int32, (int[])CheckNotNull(shape, nameof(shape)).Clone(), data, validate: true);
    }

    /// <summary>Creates a 32-bit float array.</summary>
    /// <param name="values">The elements, row-major.</param>
    /// <param name="shape">The dimensions; their product must equal <c>values.Length</c>.</param>
    /// <returns>The array.</returns>
    public static IdxArray FromSingles(ReadOnlySpan<float> values, params int[] shape)
    {
        var data = new byte[checked(values.Length * 4)];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleBigEndian(data.AsSpan(i * 4), values[i]);
        }

        return new(IdxDataType.Single, (int[])CheckNotNull(shape, nameof(shape)).Clone(), data, validate: true);
    }

    /// <summary>Converts the elements to floats (any element type; doubles are rounded).</summary>
    /// <returns>A new array of <see cref="Length"/> values.</returns>
    public float[] ToSingleArray()
    {
        var result = new float[Length];
        ReadOnlySpan<byte> d = _data;
        switch (DataType)
        {
            case IdxDataType.UnsignedByte:
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = d[i];
                }

                break;
            case IdxDataType.Single:
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = BinaryPrimitives.ReadSingleBigEndian(d.Slice(i * 4));
                }

                break;
            case IdxDataType.Double:
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = (float)BinaryPrimitives.ReadDoubleBigEndian(d.Slice(i * 8));
                }

                break;
            default:
                int[] ints = ToInt32Array();
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = ints[i];
                }

                break;
        }

        return result;
    }

    /// <summary>Converts the elements to 32-bit integers (integer element types only).</summary>
    /// <returns>A new array of <see cref="Length"/> values.</returns>
    /// <exception cref="InvalidOperationException">The elements are floating-point.</exception>
    public int[] ToInt32Array()
    {
        var result = new int[Length];
        ReadOnlySpan<byte> d = _data;
        switch (DataType)
        {
            case IdxDataType.UnsignedByte:
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = d[i];
                }

                break;
            case IdxDataType.SignedByte:
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = (sbyte)d[i];
                }

                break;
            case IdxDataType.Int16:
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = BinaryPrimitives.ReadInt16BigEndian(d.Slice(i * 2));
                }

                break;
            case IdxDataType.Int32:
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = BinaryPrimitives.ReadInt32BigEndian(d.Slice(i * 4));
                }

                break;
            default:
                throw new InvalidOperationException($"This IDX array holds {DataType} values; use ToSingleArray.");
        }

        return result;
    }

    /// <summary>Wraps already validated data without copying.</summary>
    internal static IdxArray Wrap(IdxDataType dataType, int[] shape, byte[] data) => new(dataType, shape, data, validate: false);

    private static T CheckNotNull<T>(T? value, string name)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(value, name);
        return value;
    }
}

/// <summary>
/// Reads and writes IDX files, the format of MNIST and Fashion-MNIST (<c>train-images-idx3-ubyte</c> …), either
/// raw or gzip-compressed. Compression is recognised by the gzip header bytes (1F 8B), not by the file name.
/// </summary>
/// <remarks>
/// <para>
/// Format: a 4-byte magic number — two zero bytes, the element type (<see cref="IdxDataType"/>), the number of
/// dimensions — then one big-endian int32 per dimension, then the elements, row-major, big-endian. Images
/// are <c>0x00000803</c> (unsigned bytes, 3 dimensions: count × rows × columns) and labels <c>0x00000801</c>
/// (unsigned bytes, 1 dimension).
/// </para>
/// <para>
/// Every problem with a file — wrong magic number, wrong dimensions, a zero dimension, sizes that overflow,
/// data that ends early or continues past the declared size, a corrupt gzip stream — is reported as an
/// <see cref="InvalidDataException"/> whose message starts with the file name and says what is wrong. The
/// reader never allocates more than the file can actually hold: a raw file's declared size is checked against
/// its length before allocation, and compressed data is read incrementally.
/// </para>
/// </remarks>
public static class Idx
{
    /// <summary>The magic number of an IDX file of unsigned-byte images (3 dimensions).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>The magic number of an IDX file of unsigned-byte labels (1 dimension).</summary>
    public const int LabelsMagic = 0x00000801;

    private const int ChunkSize = 1 << 20;

    /// <summary>Reads an IDX file (raw or gzip-compressed) of any element type and shape.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The file's contents.</returns>
    /// <exception cref="InvalidDataException">The file is not a valid IDX file (the message says why).</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static IdxArray Read(string path)
    {
        using FileStream stream = OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>Reads IDX data (raw or gzip-compressed) of any element type and shape from a stream, to its end.</summary>
    /// <param name="stream">The stream, positioned at the start of the data.</param>
    /// <param name="nameForMessages">The name used in error messages (e.g. the file name); "IDX stream" if null.</param>
    /// <returns>The contents.</returns>
    /// <exception cref="InvalidDataException">The data is not valid IDX (the message says why).</exception>
    public static IdxArray Read(Stream stream, string? nameForMessages = null) =>
        ReadCore(stream, nameForMessages ?? "IDX stream", expectedMagic: null, expectedDescription: null);

    /// <summary>Reads an IDX file of unsigned-byte images (magic 0x00000803), scaling pixels to [0, 1] (byte / 255).</summary>
    /// <param name="path">The file, raw or gzip-compressed.</param>
    /// <returns>The pixels (row-major, <c>Count × Rows × Columns</c>) and the dimensions.</returns>
    /// <exception cref="InvalidDataException">The file is not a valid IDX image file (the message says why).</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static (float[] Pixels, int Count, int Rows, int Columns) ReadImages(string path)
    {
        using FileStream stream = OpenRead(path);
        return ReadImages(stream, path);
    }

    /// <summary>Reads IDX unsigned-byte images (magic 0x00000803) from a stream, scaling pixels to [0, 1] (byte / 255).</summary>
    /// <param name="stream">The stream, raw or gzip-compressed, positioned at the start of the data.</param>
    /// <param name="nameForMessages">The name used in error messages; "IDX stream" if null.</param>
    /// <returns>The pixels (row-major, <c>Count × Rows × Columns</c>) and the dimensions.</returns>
    /// <exception cref="InvalidDataException">The data is not valid IDX images (the message says why).</exception>
    public static (float[] Pixels, int Count, int Rows, int Columns) ReadImages(Stream stream, string? nameForMessages = null)
    {
        IdxArray array = ReadCore(stream, nameForMessages ?? "IDX stream", ImagesMagic, "IDX unsigned-byte images");
        ReadOnlySpan<byte> data = array.RawData;
        var pixels = new float[data.Length];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = data[i] / 255f;
        }

        return (pixels, array.Shape[0], array.Shape[1], array.Shape[2]);
    }

    /// <summary>Reads an IDX file of unsigned-byte labels (magic 0x00000801).</summary>
    /// <param name="path">The file, raw or gzip-compressed.</param>
    /// <returns>The labels.</returns>
    /// <exception cref="InvalidDataException">The file is not a valid IDX label file (the message says why).</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static int[] ReadLabels(string path)
    {
        using FileStream stream = OpenRead(path);
        return ReadLabels(stream, path);
    }

    /// <summary>Reads IDX unsigned-byte labels (magic 0x00000801) from a stream.</summary>
    /// <param name="stream">The stream, raw or gzip-compressed, positioned at the start of the data.</param>
    /// <param name="nameForMessages">The name used in error messages; "IDX stream" if null.</param>
    /// <returns>The labels.</returns>
    /// <exception cref="InvalidDataException">The data is not valid IDX labels (the message says why).</exception>
    public static int[] ReadLabels(Stream stream, string? nameForMessages = null) =>
        ReadCore(stream, nameForMessages ?? "IDX stream", LabelsMagic, "IDX unsigned-byte labels").ToInt32Array();

    /// <summary>
    /// Writes an IDX file, gzip-compressed when <paramref name="path"/> ends with <c>.gz</c> (any case). The file
    /// is written under a temporary name and then renamed, so an existing file is replaced only by a complete one.
    /// </summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="array">The contents.</param>
    public static void Write(string path, IdxArray array)
    {
        ArgumentNullException.ThrowIfNull(array);
        WriteFile(path, stream => Write(stream, array));
    }

    /// <summary>Writes uncompressed IDX data to a stream (wrap the stream in a <see cref="GZipStream"/> to compress).</summary>
    /// <param name="stream">The destination.</param>
    /// <param name="array">The contents.</param>
    public static void Write(Stream stream, IdxArray array)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(array);
        ReadOnlySpan<int> shape = array.Shape;
        Span<byte> header = stackalloc byte[4];
        header[0] = 0;
        header[1] = 0;
        header[2] = (byte)array.DataType;
        header[3] = (byte)shape.Length;
        stream.Write(header);
        foreach (int dimension in shape)
        {
            BinaryPrimitives.WriteInt32BigEndian(header, dimension);
            stream.Write(header);
        }

        stream.Write(array.RawData);
    }

    /// <summary>Writes unsigned-byte images (magic 0x00000803); gzip-compressed when the path ends with <c>.gz</c>.</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="pixels">The pixels, row-major, <c>count × rows × columns</c> bytes.</param>
    /// <param name="count">The number of images.</param>
    /// <param name="rows">The image height.</param>
    /// <param name="columns">The image width.</param>
    /// <exception cref="ArgumentException">The sizes are not positive or do not match <paramref name="pixels"/>.</exception>
    public static void WriteImages(string path, ReadOnlySpan<byte> pixels, int count, int rows, int columns) =>
        Write(path, IdxArray.FromBytes(pixels, count, rows, columns));

    /// <summary>
    /// Writes images given as floats in [0, 1] (as returned by <see cref="ReadImages(string)"/>) as unsigned bytes,
    /// <c>round(pixel × 255)</c>; gzip-compressed when the path ends with <c>.gz</c>.
    /// </summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="pixels">The pixels, row-major, <c>count × rows × columns</c> values in [0, 1].</param>
    /// <param name="count">The number of images.</param>
    /// <param name="rows">The image height.</param>
    /// <param name="columns">The image width.</param>
    /// <exception cref="ArgumentException">A pixel is outside [0, 1] or NaN, or the sizes do not match.</exception>
    public static void WriteImages(string path, ReadOnlySpan<float> pixels, int count, int rows, int columns)
    {
        var bytes = new byte[pixels.Length];
        for (int i = 0; i < pixels.Length; i++)
        {
            float p = pixels[i];
            if (!(p >= 0f && p <= 1f))
            {
                throw new ArgumentException(
                    $"pixels[{i}] is {p.ToString(CultureInfo.InvariantCulture)}; pixels must be in [0, 1].", nameof(pixels));
            }

            bytes[i] = (byte)MathF.Round(p * 255f);
        }

        WriteImages(path, bytes, count, rows, columns);
    }

    /// <summary>Writes unsigned-byte labels (magic 0x00000801); gzip-compressed when the path ends with <c>.gz</c>.</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="labels">The labels, each in [0, 255]; at least one.</param>
    /// <exception cref="ArgumentException">There are no labels, or a label does not fit in a byte.</exception>
    public static void WriteLabels(string path, ReadOnlySpan<int> labels)
    {
        var bytes = new byte[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] > byte.MaxValue)
            {
                throw new ArgumentException($"labels[{i}] is {labels[i]}; IDX unsigned-byte labels must be in [0, 255].", nameof(labels));
            }

            bytes[i] = (byte)labels[i];
        }

        Write(path, IdxArray.FromBytes(bytes, labels.Length));
    }

    /// <summary>The size in bytes of one element, or 0 for an unknown type.</summary>
    internal static int ElementSize(IdxDataType type) => type switch
    {
        IdxDataType.UnsignedByte or IdxDataType.SignedByte => 1,
        IdxDataType.Int16 => 2,
        IdxDataType.Int32 or IdxDataType.Single => 4,
        IdxDataType.Double => 8,
        _ => 0,
    };

    internal static string FormatShape(ReadOnlySpan<int> shape)
    {
        var builder = new StringBuilder();
        for (int i = 0; i < shape.Length; i++)
        {
            if (i > 0)
            {
                builder.Append('×');
            }

            builder.Append(shape[i].ToString(CultureInfo.InvariantCulture));
        }

        return builder.ToString();
    }

    /// <summary>Validates a shape for writing and returns its size in bytes.</summary>
    internal static long CheckShapeForWriting(int[] shape, int elementSize)
    {
        if (shape.Length is 0 or > byte.MaxValue)
        {
            throw new ArgumentException($"An IDX array has 1 to 255 dimensions; got {shape.Length}.", nameof(shape));
        }

        long bytes = elementSize;
        foreach (int dimension in shape)
        {
            if (dimension <= 0)
            {
                throw new ArgumentException($"IDX dimensions must be positive; the shape is {FormatShape(shape)}.", nameof(shape));
            }

            bytes *= dimension;
            if (bytes > Array.MaxLength)
            {
                throw new ArgumentException($"A {FormatShape(shape)} IDX array is too large for one .NET array.", nameof(shape));
            }
        }

        return bytes;
    }

    private static FileStream OpenRead(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
    }

    private static void WriteFile(string path, Action<Stream> write) =>
        AtomicFile.Write(path, file =>
        {
            if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
            {
                using var gzip = new GZipStream(file, CompressionLevel.Optimal, leaveOpen: true);
                write(gzip);
            }
            else
            {
                write(file);
            }
        });

    private static IdxArray ReadCore(Stream stream, string name, int? expectedMagic, string? expectedDescription)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream is not readable.", nameof(stream));
        }

        Span<byte> start = stackalloc byte[2];
        int startLength = ReadAtMost(stream, start, name, compressed: false);
        if (startLength == 0)
        {
            throw new InvalidDataException($"{name}: the file is empty.");
        }

        bool gzip = startLength == 2 && start[0] == 0x1F && start[1] == 0x8B;
        if (!gzip)
        {
            return ReadIdx(new PrefixedStream(start.Slice(0, startLength).ToArray(), stream), name, expectedMagic, expectedDescription, compressed: false, knownRemaining: RemainingOrNull(stream) + startLength);
        }

        var compressedStream = new PrefixedStream(start.ToArray(), stream);
        IdxArray array;
        using (var decompressed = new GZipStream(compressedStream, CompressionMode.Decompress, leaveOpen: true))
        {
            array = ReadIdx(decompressed, name, expectedMagic, expectedDescription, compressed: true, knownRemaining: null);
        }

        VerifyGzipTrailer(compressedStream.Tail, array, name);
        return array;
    }

    /// <summary>
    /// Checks the gzip trailer (CRC-32 and length of the last member) against the decompressed bytes.
    /// </summary>
    /// <remarks>
    /// zlib verifies the trailer when it is present, but .NET's <see cref="GZipStream"/> reports a normal end of
    /// data when the input stops after the compressed blocks, so a file cut inside its last 8 bytes would
    /// otherwise go unnoticed. The last member's data is the last ISIZE bytes of the output (IDX data is under
    /// 4 GiB), so single- and multi-member files are both handled.
    /// </remarks>
    private static void VerifyGzipTrailer(ReadOnlySpan<byte> tail, IdxArray array, string name)
    {
        const string Problem = "corrupt gzip stream: its trailer (CRC-32 and length) does not match the data; the file is probably truncated";
        if (tail.Length < 8)
        {
            throw new InvalidDataException($"{name}: {Problem}.");
        }

        uint expectedCrc = BinaryPrimitives.ReadUInt32LittleEndian(tail);
        uint memberLength = BinaryPrimitives.ReadUInt32LittleEndian(tail.Slice(4));

        ReadOnlySpan<int> shape = array.Shape;
        var header = new byte[4 + 4 * shape.Length];
        header[2] = (byte)array.DataType;
        header[3] = (byte)shape.Length;
        for (int i = 0; i < shape.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * i), shape[i]);
        }

        ReadOnlySpan<byte> data = array.RawData;
        long total = header.Length + (long)data.Length;
        if (memberLength > total)
        {
            throw new InvalidDataException($"{name}: {Problem}.");
        }

        long startOffset = total - memberLength;
        uint crc = Crc32.Initial;
        if (startOffset < header.Length)
        {
            crc = Crc32.Update(crc, header.AsSpan((int)startOffset));
            crc = Crc32.Update(crc, data);
        }
        else
        {
            crc = Crc32.Update(crc, data.Slice((int)(startOffset - header.Length)));
        }

        if (Crc32.Finish(crc) != expectedCrc)
        {
            throw new InvalidDataException($"{name}: {Problem}.");
        }
    }

    private static long? RemainingOrNull(Stream stream)
    {
        if (!stream.CanSeek)
        {
            return null;
        }

        try
        {
            return Math.Max(0, stream.Length - stream.Position);
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }

    private static IdxArray ReadIdx(Stream stream, string name, int? expectedMagic, string? expectedDescription, bool compressed, long? knownRemaining)
    {
        string kind = compressed ? "the decompressed data" : "the file";
        Span<byte> word = stackalloc byte[4];
        int got = ReadAtMost(stream, word, name, compressed);
        if (got < 4)
        {
            throw new InvalidDataException($"{name}: truncated: {kind} has {got} bytes, fewer than the 4-byte IDX magic number.");
        }

        int magic = BinaryPrimitives.ReadInt32BigEndian(word);
        if (expectedMagic is int expected && magic != expected)
        {
            string hint = (magic & ~0xFF) == (expected & ~0xFF)
                ? $": the header declares {magic & 0xFF} dimensions, expected {expected & 0xFF}"
                : string.Empty;
            throw new InvalidDataException(
                $"{name}: bad magic number 0x{magic:X8}, expected 0x{expected:X8} ({expectedDescription}){hint}.");
        }

        if (word[0] != 0 || word[1] != 0)
        {
            throw new InvalidDataException(
                $"{name}: bad magic number 0x{magic:X8}: not an IDX file (an IDX magic number starts with two zero bytes).");
        }

        var type = (IdxDataType)word[2];
        int elementSize = ElementSize(type);
        if (elementSize == 0)
        {
            throw new InvalidDataException(
                $"{name}: bad magic number 0x{magic:X8}: unknown IDX element type 0x{word[2]:X2} (expected 08, 09, 0B, 0C, 0D or 0E).");
        }

        int rank = word[3];
        if (rank == 0)
        {
            throw new InvalidDataException($"{name}: bad magic number 0x{magic:X8}: the IDX header declares 0 dimensions.");
        }

        var shape = new int[rank];
        long product = 1;
        bool overflow = false;
        for (int i = 0; i < rank; i++)
        {
            got = ReadAtMost(stream, word, name, compressed);
            if (got < 4)
            {
                throw new InvalidDataException(
                    $"{name}: truncated: {kind} ends inside the header, after {i} of the {rank} dimension sizes.");
            }

            int dimension = BinaryPrimitives.ReadInt32BigEndian(word);
            if (dimension <= 0)
            {
                throw new InvalidDataException(
                    $"{name}: dimension {i} of the IDX header is {dimension}; every dimension must be positive.");
            }

            shape[i] = dimension;
            if (!overflow)
            {
                // product <= Array.MaxLength before this step, so it stays below 2^62: no long overflow.
                product *= dimension;
                overflow = product > Array.MaxLength / elementSize;
            }
        }

        if (overflow)
        {
            throw new InvalidDataException(
                $"{name}: the IDX header declares a {FormatShape(shape)} array of {type}, too large to hold in memory (more than {Array.MaxLength} bytes); the header is probably corrupt.");
        }

        int dataBytes = (int)(product * elementSize);
        string declared = $"header says {FormatShape(shape)}{(elementSize > 1 ? $"×{elementSize}" : string.Empty)} = {dataBytes} bytes of data";
        if (knownRemaining is long remaining)
        {
            long available = remaining - 4 - 4L * rank;
            if (available < dataBytes)
            {
                throw new InvalidDataException($"{name}: truncated: {declared}, {kind} has {Math.Max(0, available)}.");
            }

            if (available > dataBytes)
            {
                throw new InvalidDataException(
                    $"{name}: {declared}, but {kind} has {available} ({available - dataBytes} unexpected bytes after the data).");
            }
        }

        byte[] data = ReadData(stream, name, dataBytes, declared, kind, compressed, trusted: knownRemaining.HasValue);

        // Nothing may follow the data. For gzip this also reads the trailer, which verifies the CRC.
        Span<byte> probe = stackalloc byte[1];
        if (ReadAtMost(stream, probe, name, compressed) != 0)
        {
            throw new InvalidDataException($"{name}: {declared}, but {kind} continues after it (unexpected trailing bytes).");
        }

        return IdxArray.Wrap(type, shape, data);
    }

    private static byte[] ReadData(Stream stream, string name, int dataBytes, string declared, string kind, bool compressed, bool trusted)
    {
        // When the stream's length has been checked, allocate once. Otherwise grow as data actually arrives, so
        // a corrupt header cannot make us allocate far more than the stream holds.
        byte[] data = new byte[trusted ? dataBytes : Math.Min(dataBytes, ChunkSize)];
        int filled = 0;
        while (filled < dataBytes)
        {
            if (filled == data.Length)
            {
                int newLength = (int)Math.Min(dataBytes, Math.Max((long)data.Length * 2, ChunkSize));
                Array.Resize(ref data, newLength);
            }

            int toRead = Math.Min(data.Length - filled, ChunkSize);
            int read = ReadSome(stream, data.AsSpan(filled, toRead), name, compressed);
            if (read == 0)
            {
                throw new InvalidDataException($"{name}: truncated: {declared}, {kind} has {filled}.");
            }

            filled += read;
        }

        return data;
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the stream ends; returns the count read.</summary>
    private static int ReadAtMost(Stream stream, Span<byte> buffer, string name, bool compressed)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int read = ReadSome(stream, buffer.Slice(total), name, compressed);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    private static int ReadSome(Stream stream, Span<byte> buffer, string name, bool compressed)
    {
        if (!compressed)
        {
            return stream.Read(buffer);
        }

        try
        {
            return stream.Read(buffer);
        }
        catch (InvalidDataException e)
        {
            // .NET's decompressor reports every malformed-input problem this way; I/O errors of the
            // underlying stream stay IOExceptions.
            throw new InvalidDataException($"{name}: corrupt gzip stream ({e.Message})", e);
        }
    }

    /// <summary>A read-only stream that yields a few already-read bytes, then the rest of another stream.</summary>
    private sealed class PrefixedStream : Stream
    {
        private readonly byte[] _prefix;
        private readonly Stream _inner;
        private readonly byte[] _tail = new byte[8];
        private int _tailLength;
        private int _prefixPosition;

        public PrefixedStream(byte[] prefix, Stream inner)
        {
            _prefix = prefix;
            _inner = inner;
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (buffer.IsEmpty)
            {
                return 0;
            }

            int read;
            if (_prefixPosition < _prefix.Length)
            {
                read = Math.Min(buffer.Length, _prefix.Length - _prefixPosition);
                _prefix.AsSpan(_prefixPosition, read).CopyTo(buffer);
                _prefixPosition += read;
            }
            else
            {
                read = _inner.Read(buffer);
            }

            RememberTail(buffer.Slice(0, read));
            return read;
        }

        /// <summary>The last (up to) 8 bytes read through this stream.</summary>
        public ReadOnlySpan<byte> Tail => _tail.AsSpan(0, _tailLength);

        private void RememberTail(ReadOnlySpan<byte> bytes)
        {
            if (bytes.Length >= _tail.Length)
            {
                bytes.Slice(bytes.Length - _tail.Length).CopyTo(_tail);
                _tailLength = _tail.Length;
                return;
            }

            int keep = Math.Min(_tailLength, _tail.Length - bytes.Length);
            _tail.AsSpan(_tailLength - keep, keep).CopyTo(_tail);
            bytes.CopyTo(_tail.AsSpan(keep));
            _tailLength = keep + bytes.Length;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, as in gzip), slicing-by-8.</summary>
    private static class Crc32
    {
        public const uint Initial = 0xFFFFFFFFu;

        private static readonly uint[] Table = CreateTable();

        public static uint Finish(uint crc) => ~crc;

        public static uint Update(uint crc, ReadOnlySpan<byte> bytes)
        {
            uint[] t = Table;
            while (bytes.Length >= 8)
            {
                uint low = BinaryPrimitives.ReadUInt32LittleEndian(bytes) ^ crc;
                uint high = BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(4));
                crc = t[(7 * 256) + (low & 0xFF)] ^ t[(6 * 256) + ((low >> 8) & 0xFF)]
                    ^ t[(5 * 256) + ((low >> 16) & 0xFF)] ^ t[(4 * 256) + (low >> 24)]
                    ^ t[(3 * 256) + (high & 0xFF)] ^ t[(2 * 256) + ((high >> 8) & 0xFF)]
                    ^ t[256 + ((high >> 16) & 0xFF)] ^ t[high >> 24];
                bytes = bytes.Slice(8);
            }

            foreach (byte b in bytes)
            {
                crc = t[(crc ^ b) & 0xFF] ^ (crc >> 8);
            }

            return crc;
        }

        private static uint[] CreateTable()
        {
            var table = new uint[8 * 256];
            for (uint i = 0; i < 256; i++)
            {
                uint c = i;
                for (int k = 0; k < 8; k++)
                {
                    c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
                }

                table[i] = c;
            }

            for (int slice = 1; slice < 8; slice++)
            {
                for (int i = 0; i < 256; i++)
                {
                    uint previous = table[((slice - 1) * 256) + i];
                    table[(slice * 256) + i] = table[previous & 0xFF] ^ (previous >> 8);
                }
            }

            return table;
        }
    }
}
