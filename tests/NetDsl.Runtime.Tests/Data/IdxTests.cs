using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;
using System.Linq;
using NetDsl;
using Xunit;

namespace NetDsl.Runtime.Tests;

/// <summary>A fresh temporary directory, deleted on dispose.</summary>
internal sealed class TempDataDirectory : IDisposable
{
    public TempDataDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "netdsl-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Builds IDX bytes by hand, so that tests can also make invalid files.</summary>
internal static class IdxBytes
{
    public static byte[] Header(int magic, params int[] dimensions)
    {
        var bytes = new byte[4 + 4 * dimensions.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (int i = 0; i < dimensions.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dimensions[i]);
        }

        return bytes;
    }

    public static byte[] Images(byte[] pixels, int count, int rows, int columns) =>
        Header(Idx.ImagesMagic, count, rows, columns).Concat(pixels).ToArray();

    public static byte[] Labels(params byte[] labels) =>
        Header(Idx.LabelsMagic, labels.Length).Concat(labels).ToArray();

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    public static byte[] Pattern(int length, int seed = 0)
    {
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)((i * 31 + seed * 7 + (i >> 5)) % 256);
        }

        return bytes;
    }
}

public sealed class IdxTests : IDisposable
{
    private readonly TempDataDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("images-idx3-ubyte")]
    [InlineData("images-idx3-ubyte.gz")]
    public void Images_RoundTrip_RawAndGzip(string name)
    {
        string path = _temp.File(name);
        byte[] pixels = IdxBytes.Pattern(3 * 4 * 5);
        pixels[0] = 0;
        pixels[1] = 255;
        Idx.WriteImages(path, pixels, 3, 4, 5);

        bool compressed = name.EndsWith(".gz", StringComparison.Ordinal);
        byte[] file = File.ReadAllBytes(path);
        Assert.Equal(compressed, file[0] == 0x1F && file[1] == 0x8B);

        (float[] read, int count, int rows, int columns) = Idx.ReadImages(path);
        Assert.Equal((3, 4, 5), (count, rows, columns));
        Assert.Equal(pixels.Select(p => p / 255f), read);
        Assert.Equal(0f, read[0]);
        Assert.Equal(1f, read[1]);
    }

    [Theory]
    [InlineData("labels-idx1-ubyte")]
    [InlineData("labels-idx1-ubyte.gz")]
    public void Labels_RoundTrip_RawAndGzip(string name)
    {
        string path = _temp.File(name);
        int[] labels = { 9, 0, 3, 255, 1 };
        Idx.WriteLabels(path, labels);
        Assert.Equal(labels, Idx.ReadLabels(path));
    }

    [Fact]
    public void FloatImages_AreWrittenAsRoundedBytes()
    {
        string path = _temp.File("f.gz");
        Idx.WriteImages(path, new float[] { 0f, 1f, 0.5f, 2f / 255 }, 1, 2, 2);
        (float[] read, _, _, _) = Idx.ReadImages(path);
        Assert.Equal(new[] { 0f, 1f, 128 / 255f, 2 / 255f }, read);
        Assert.Throws<ArgumentException>(() => Idx.WriteImages(path, new[] { 1.5f }, 1, 1, 1));
        Assert.Throws<ArgumentException>(() => Idx.WriteImages(path, new[] { float.NaN }, 1, 1, 1));
    }

    [Fact]
    public void Compression_IsDetectedByContent_NotByName()
    {
        byte[] raw = IdxBytes.Labels(1, 2, 3);
        string gzipWithoutSuffix = _temp.File("labels-idx1-ubyte");
        File.WriteAllBytes(gzipWithoutSuffix, IdxBytes.Gzip(raw));
        Assert.Equal(new[] { 1, 2, 3 }, Idx.ReadLabels(gzipWithoutSuffix));

        string rawWithSuffix = _temp.File("labels-idx1-ubyte.gz");
        File.WriteAllBytes(rawWithSuffix, raw);
        Assert.Equal(new[] { 1, 2, 3 }, Idx.ReadLabels(rawWithSuffix));
    }

    [Fact]
    public void GenericArrays_RoundTrip_ForEveryElementType()
    {
        int[] ints = { int.MinValue, -1, 0, 1, int.MaxValue, 42 };
        float[] floats = { -1.5f, 0f, 3.25f, float.MaxValue, 1e-30f, 7f };

        string p1 = _temp.File("ints.gz");
        Idx.Write(p1, IdxArray.FromInt32(ints, 2, 3));
        IdxArray a1 = Idx.Read(p1);
        Assert.Equal(IdxDataType.Int32, a1.DataType);
        Assert.Equal(new[] { 2, 3 }, a1.Shape.ToArray());
        Assert.Equal(6, a1.Length);
        Assert.Equal(ints, a1.ToInt32Array());

        string p2 = _temp.File("floats");
        Idx.Write(p2, IdxArray.FromSingles(floats, 3, 1, 2));
        IdxArray a2 = Idx.Read(p2);
        Assert.Equal(IdxDataType.Single, a2.DataType);
        Assert.Equal(floats, a2.ToSingleArray());
        Assert.Throws<InvalidOperationException>(() => a2.ToInt32Array());

        // Big-endian raw data for the remaining types.
        var shorts = new IdxArray(IdxDataType.Int16, new[] { 2 }, new byte[] { 0xFF, 0xFE, 0x01, 0x00 });
        var sbytes = new IdxArray(IdxDataType.SignedByte, new[] { 2 }, new byte[] { 0x80, 0x7F });
        var doubles = new IdxArray(IdxDataType.Double, new[] { 1 }, new byte[] { 0x40, 0x09, 0x21, 0xFB, 0x54, 0x44, 0x2D, 0x18 });
        foreach (IdxArray array in new[] { shorts, sbytes, doubles })
        {
            string p = _temp.File(array.DataType + ".idx");
            Idx.Write(p, array);
            IdxArray back = Idx.Read(p);
            Assert.Equal(array.DataType, back.DataType);
            Assert.Equal(array.RawData.ToArray(), back.RawData.ToArray());
        }

        Assert.Equal(new[] { -2, 256 }, Idx.Read(_temp.File("Int16.idx")).ToInt32Array());
        Assert.Equal(new[] { -128f, 127f }, Idx.Read(_temp.File("SignedByte.idx")).ToSingleArray());
        Assert.Equal((float)Math.PI, Idx.Read(_temp.File("Double.idx")).ToSingleArray()[0]);
    }

    [Fact]
    public void IdxArray_RejectsInvalidShapesAndData()
    {
        Assert.Throws<ArgumentException>(() => IdxArray.FromBytes(new byte[6], 2, 4));
        Assert.Throws<ArgumentException>(() => IdxArray.FromBytes(new byte[0], 0));
        Assert.Throws<ArgumentException>(() => IdxArray.FromBytes(new byte[2], 2, -1));
        Assert.Throws<ArgumentException>(() => IdxArray.FromBytes(new byte[2]));
        Assert.Throws<ArgumentException>(() => new IdxArray((IdxDataType)0x0A, new[] { 1 }, new byte[1]));
        Assert.Throws<ArgumentException>(() => Idx.WriteLabels(_temp.File("x"), new[] { 256 }));
        Assert.Throws<ArgumentException>(() => Idx.WriteLabels(_temp.File("x"), new[] { -1 }));
        Assert.Throws<ArgumentException>(() => Idx.WriteLabels(_temp.File("x"), Array.Empty<int>()));
    }

    [Fact]
    public void Write_ReplacesAnExistingFile_AndLeavesNoTemporaryFiles()
    {
        string path = _temp.File("labels-idx1-ubyte");
        Idx.WriteLabels(path, new[] { 1, 2 });
        Idx.WriteLabels(path, new[] { 3 });
        Assert.Equal(new[] { 3 }, Idx.ReadLabels(path));
        Assert.Single(Directory.GetFiles(_temp.Path));
    }

    [Fact]
    public void BadMagic_LabelsReadAsImages()
    {
        string path = _temp.File("train-images-idx3-ubyte.gz");
        File.WriteAllBytes(path, IdxBytes.Gzip(IdxBytes.Labels(1, 2)));
        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(path));
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains("train-images-idx3-ubyte.gz: bad magic number 0x00000801, expected 0x00000803 (IDX unsigned-byte images)", e.Message);
    }

    [Fact]
    public void BadMagic_ImagesReadAsLabels()
    {
        string path = _temp.File("train-labels-idx1-ubyte");
        File.WriteAllBytes(path, IdxBytes.Images(new byte[4], 1, 2, 2));
        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadLabels(path));
        Assert.Contains("bad magic number 0x00000803, expected 0x00000801 (IDX unsigned-byte labels)", e.Message);
    }

    [Fact]
    public void WrongNumberOfDimensions_IsReported()
    {
        string path = _temp.File("train-images-idx3-ubyte");
        File.WriteAllBytes(path, IdxBytes.Header(0x00000804, 1, 2, 2, 1).Concat(new byte[4]).ToArray());
        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(path));
        Assert.Contains("bad magic number 0x00000804, expected 0x00000803 (IDX unsigned-byte images): the header declares 4 dimensions, expected 3", e.Message);
        Assert.Equal(new[] { 1, 2, 2, 1 }, Idx.Read(path).Shape.ToArray()); // valid as a general IDX file
    }

    [Fact]
    public void NotAnIdxFile_IsReported()
    {
        string path = _temp.File("readme.txt");
        File.WriteAllText(path, "hello, world");
        var e = Assert.Throws<InvalidDataException>(() => Idx.Read(path));
        Assert.Contains("readme.txt: bad magic number 0x68656C6C: not an IDX file", e.Message);
    }

    [Fact]
    public void UnknownElementTypeAndZeroDimensions_AreReported()
    {
        string p1 = _temp.File("type");
        File.WriteAllBytes(p1, IdxBytes.Header(0x00000A01, 1).Concat(new byte[1]).ToArray());
        Assert.Contains("unknown IDX element type 0x0A", Assert.Throws<InvalidDataException>(() => Idx.Read(p1)).Message);

        string p2 = _temp.File("rank0");
        File.WriteAllBytes(p2, IdxBytes.Header(0x00000800));
        Assert.Contains("declares 0 dimensions", Assert.Throws<InvalidDataException>(() => Idx.Read(p2)).Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void NonPositiveDimension_IsReported(int dimension)
    {
        string path = _temp.File("t10k-images-idx3-ubyte");
        File.WriteAllBytes(path, IdxBytes.Header(Idx.ImagesMagic, 3, dimension, 28));
        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(path));
        Assert.Contains($"t10k-images-idx3-ubyte: dimension 1 of the IDX header is {dimension}; every dimension must be positive", e.Message);
    }

    [Fact]
    public void OverflowingSize_IsReported()
    {
        string path = _temp.File("huge");
        File.WriteAllBytes(path, IdxBytes.Header(Idx.ImagesMagic, 65536, 65536, 65536).Concat(new byte[10]).ToArray());
        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(path));
        Assert.Contains("65536×65536×65536", e.Message);
        Assert.Contains("too large", e.Message);

        File.WriteAllBytes(path, IdxBytes.Header(0x00000E02, int.MaxValue, int.MaxValue));
        Assert.Contains("too large", Assert.Throws<InvalidDataException>(() => Idx.Read(path)).Message);
    }

    [Fact]
    public void TruncatedRawFile_IsReported_WithDeclaredAndActualSizes()
    {
        string path = _temp.File("train-images-idx3-ubyte");
        File.WriteAllBytes(path, IdxBytes.Images(new byte[1234], 60000, 28, 28));
        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(path));
        Assert.Contains("train-images-idx3-ubyte: truncated: header says 60000×28×28 = 47040000 bytes of data, the file has 1234", e.Message);
    }

    [Fact]
    public void TruncatedHeader_IsReported()
    {
        string p1 = _temp.File("short");
        File.WriteAllBytes(p1, new byte[] { 0, 0, 8 });
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => Idx.Read(p1)).Message);

        string p2 = _temp.File("shortdims");
        File.WriteAllBytes(p2, IdxBytes.Header(Idx.ImagesMagic, 5, 28).Concat(new byte[] { 0, 0 }).ToArray());
        Assert.Contains("ends inside the header, after 2 of the 3 dimension sizes", Assert.Throws<InvalidDataException>(() => Idx.Read(p2)).Message);

        string p3 = _temp.File("empty");
        File.WriteAllBytes(p3, Array.Empty<byte>());
        Assert.Contains("empty", Assert.Throws<InvalidDataException>(() => Idx.Read(p3)).Message);
    }

    [Fact]
    public void TrailingBytes_AreReported()
    {
        string raw = _temp.File("labels");
        File.WriteAllBytes(raw, IdxBytes.Labels(1, 2, 3).Concat(new byte[] { 7 }).ToArray());
        Assert.Contains("1 unexpected bytes after the data", Assert.Throws<InvalidDataException>(() => Idx.ReadLabels(raw)).Message);

        string gz = _temp.File("labels.gz");
        File.WriteAllBytes(gz, IdxBytes.Gzip(IdxBytes.Labels(1, 2, 3).Concat(new byte[] { 7 }).ToArray()));
        Assert.Contains("continues after it", Assert.Throws<InvalidDataException>(() => Idx.ReadLabels(gz)).Message);
    }

    [Fact]
    public void TruncatedGzip_IsReported()
    {
        byte[] gz = IdxBytes.Gzip(IdxBytes.Images(IdxBytes.Pattern(20 * 28 * 28), 20, 28, 28));
        string path = _temp.File("train-images-idx3-ubyte.gz");
        File.WriteAllBytes(path, gz.AsSpan(0, gz.Length / 2).ToArray());
        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(path));
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains("truncated: header says 20×28×28 = 15680 bytes of data, the decompressed data has ", e.Message);
    }

    [Theory]
    [InlineData(8)] // all the compressed data, no CRC/size trailer
    [InlineData(3)] // part of the trailer
    [InlineData(1)]
    public void GzipMissingItsTrailer_IsReported(int cut)
    {
        byte[] gz = IdxBytes.Gzip(IdxBytes.Labels(1, 2, 3));
        string path = _temp.File("labels.gz");
        File.WriteAllBytes(path, gz.AsSpan(0, gz.Length - cut).ToArray());
        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadLabels(path));
        Assert.StartsWith(path + ": corrupt gzip stream", e.Message);
    }

    [Fact]
    public void MultiMemberGzip_IsAccepted()
    {
        // Like `cat a.gz b.gz`: the data split across two gzip members, the split falling inside the header or the data.
        byte[] raw = IdxBytes.Images(IdxBytes.Pattern(4 * 28 * 28), 4, 28, 28);
        foreach (int split in new[] { 6, 1000 })
        {
            byte[] gz = IdxBytes.Gzip(raw.AsSpan(0, split).ToArray()).Concat(IdxBytes.Gzip(raw.AsSpan(split).ToArray())).ToArray();
            (float[] pixels, int count, _, _) = Idx.ReadImages(new MemoryStream(gz), "two-members.gz");
            Assert.Equal(4, count);
            Assert.Equal(raw.AsSpan(16).ToArray().Select(b => b / 255f), pixels);
        }
    }

    [Fact]
    public void CorruptGzipBytes_AreReported()
    {
        byte[] gz = IdxBytes.Gzip(IdxBytes.Images(IdxBytes.Pattern(20 * 28 * 28), 20, 28, 28));
        for (int i = 20; i < 40; i++)
        {
            gz[i] ^= 0xA5;
        }

        string path = _temp.File("train-images-idx3-ubyte.gz");
        File.WriteAllBytes(path, gz);
        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(path));
        Assert.Contains("train-images-idx3-ubyte.gz: corrupt gzip stream", e.Message);
    }

    [Fact]
    public void GzipWithWrongChecksum_IsReported()
    {
        byte[] gz = IdxBytes.Gzip(IdxBytes.Labels(1, 2, 3, 4));
        gz[^8] ^= 0xFF; // first byte of the CRC-32
        string path = _temp.File("labels.gz");
        File.WriteAllBytes(path, gz);
        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadLabels(path));
        Assert.Contains("labels.gz: corrupt gzip stream", e.Message);
    }

    [Fact]
    public void NonSeekableStreams_AreReadIncrementally_WithoutTrustingTheHeader()
    {
        byte[] good = IdxBytes.Images(IdxBytes.Pattern(2 * 3 * 3), 2, 3, 3);
        Assert.Equal(2, Idx.ReadImages(new NonSeekableStream(good), "pipe").Count);
        Assert.Equal(2, Idx.ReadImages(new NonSeekableStream(IdxBytes.Gzip(good))).Count);

        // A header claiming 1.6 GB followed by 10 bytes must fail without allocating anything like 1.6 GB.
        byte[] lying = IdxBytes.Images(new byte[10], 1, 40000, 40000);
        foreach (byte[] bytes in new[] { lying, IdxBytes.Gzip(lying) })
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(new NonSeekableStream(bytes), "pipe"));
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Contains("pipe: truncated: header says 1×40000×40000 = 1600000000 bytes of data", e.Message);
            Assert.True(allocated < 16 << 20, $"allocated {allocated} bytes");
        }
    }

    [Fact]
    public void StreamWithoutName_UsesAGenericName()
    {
        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadLabels(new MemoryStream(IdxBytes.Images(new byte[1], 1, 1, 1))));
        Assert.StartsWith("IDX stream: bad magic number", e.Message);
    }

    [Fact]
    public void MissingFile_ThrowsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => Idx.ReadImages(_temp.File("nope")));
    }

    private sealed class NonSeekableStream : Stream
    {
        private readonly MemoryStream _inner;

        public NonSeekableStream(byte[] data) => _inner = new MemoryStream(data);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Flush()
        {
        }

        // Return at most 7 bytes per call, to exercise partial reads.
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 7));

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
