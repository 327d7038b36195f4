using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NetDsl;
using Xunit;

namespace NetDsl.Runtime.Tests;

/// <summary>
/// Tests that read or change process-wide environment variables (NETDSL_DATA, XDG_CACHE_HOME). xunit runs this
/// collection on its own, after the parallel ones, so no other test sees a temporary value.
/// </summary>
[CollectionDefinition("Environment", DisableParallelization = true)]
public sealed class EnvironmentCollection
{
}

[Collection("Environment")]
public sealed class FashionMnistTests : IDisposable
{
    private readonly TempDataDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>Writes tiny fake Fashion-MNIST files: pixel p of image i is (i * 7 + p) % 256, label of sample i is (i * 3) % 10.</summary>
    private static void WriteFakeData(string directory, int trainCount = 5, int testCount = 3, bool gzip = true)
    {
        Directory.CreateDirectory(directory);
        string suffix = gzip ? ".gz" : string.Empty;
        WritePair(Path.Combine(directory, "train-images-idx3-ubyte" + suffix), Path.Combine(directory, "train-labels-idx1-ubyte" + suffix), trainCount);
        WritePair(Path.Combine(directory, "t10k-images-idx3-ubyte" + suffix), Path.Combine(directory, "t10k-labels-idx1-ubyte" + suffix), testCount);
    }

    private static void WritePair(string imagesPath, string labelsPath, int count)
    {
        Idx.WriteImages(imagesPath, FakePixels(count), count, 28, 28);
        Idx.WriteLabels(labelsPath, Enumerable.Range(0, count).Select(i => i * 3 % 10).ToArray());
    }

    private static byte[] FakePixels(int count)
    {
        var pixels = new byte[count * 784];
        for (int i = 0; i < count; i++)
        {
            for (int p = 0; p < 784; p++)
            {
                pixels[i * 784 + p] = (byte)((i * 7 + p) % 256);
            }
        }

        return pixels;
    }

    [Fact]
    public void ClassNames_AreZalandos()
    {
        Assert.Equal(10, FashionMnist.ClassNames.Length);
        Assert.Equal("T-shirt/top", FashionMnist.ClassNames[0]);
        Assert.Equal("Ankle boot", FashionMnist.ClassNames[9]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Load_FromAGivenDirectory_ReadsTrainAndTest(bool gzip)
    {
        WriteFakeData(_temp.Path, gzip: gzip);
        (Dataset train, Dataset test) = FashionMnist.Load(_temp.Path);

        Assert.Equal(5, train.Count);
        Assert.Equal(3, test.Count);
        Assert.Equal(784, train.FeatureCount);
        Assert.True(train.HasLabels);
        Assert.Equal(new[] { 0, 3, 6, 9, 2 }, train.Labels.ToArray());
        Assert.Equal(new[] { 0, 3, 6 }, test.Labels.ToArray());
        Assert.Equal((2 * 7 + 100) % 256 / 255f, train.GetFeatures(2)[100]);
        Assert.All(train.Features.ToArray(), x => Assert.InRange(x, 0f, 1f));
        Assert.Equal(_temp.Path, FashionMnist.FindDirectory(_temp.Path));
    }

    [Fact]
    public void Load_AcceptsAMixOfRawAndGzipFiles_PreferringRaw()
    {
        WriteFakeData(_temp.Path, trainCount: 4, gzip: true);
        // A raw copy with different content next to the .gz: the raw one wins.
        WritePair(_temp.File("train-images-idx3-ubyte"), _temp.File("train-labels-idx1-ubyte"), 2);
        (Dataset train, Dataset test) = FashionMnist.Load(_temp.Path);
        Assert.Equal(2, train.Count);
        Assert.Equal(3, test.Count);
    }

    [Fact]
    public void Load_FromAGivenDirectoryWithoutTheFiles_FailsThere_NamingWhatIsMissing()
    {
        WriteFakeData(_temp.Path);
        File.Delete(_temp.File("t10k-labels-idx1-ubyte.gz"));
        var e = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(_temp.Path));
        Assert.Contains(_temp.Path, e.Message);
        Assert.Contains("missing t10k-labels-idx1-ubyte[.gz]", e.Message);
        Assert.DoesNotContain("/usr/share/datasets/fashion-mnist (", e.Message); // it did not go on searching
        Assert.Null(FashionMnist.FindDirectory(_temp.Path));
    }

    [Fact]
    public void Load_FromANonexistentDirectory_NamesBothRemedies()
    {
        using var environment = new EnvironmentScope(("NETDSL_DATA", null));
        string missing = _temp.File("does-not-exist");
        var e = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(missing));
        Assert.Contains(missing + ": does not exist", e.Message);
        AssertNamesBothRemedies(e.Message);
    }

    [Fact]
    public void Load_WhenNoLocationHasTheFiles_ListsEveryPlaceAndBothRemedies()
    {
        string partial = _temp.File("partial");
        Directory.CreateDirectory(partial);
        Idx.WriteLabels(Path.Combine(partial, "train-labels-idx1-ubyte"), new[] { 1 });
        var locations = new List<(string Label, string? Directory)>
        {
            ("$NETDSL_DATA", null),
            ("Debian's dataset-fashion-mnist", _temp.File("no-debian")),
            ("user cache", partial),
        };

        var e = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(null, locations));
        Assert.StartsWith("Fashion-MNIST not found. Looked in:", e.Message);
        Assert.Contains("$NETDSL_DATA: not set", e.Message);
        Assert.Contains(_temp.File("no-debian") + " (Debian's dataset-fashion-mnist): does not exist", e.Message);
        Assert.Contains(partial + " (user cache): missing train-images-idx3-ubyte[.gz], t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]", e.Message);
        AssertNamesBothRemedies(e.Message);
        Assert.DoesNotContain("download", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Load_UsesTheFirstLocationHoldingAllFiles()
    {
        string first = _temp.File("first");
        string second = _temp.File("second");
        Directory.CreateDirectory(first);
        WriteFakeData(second, trainCount: 6);
        var locations = new List<(string Label, string? Directory)> { ("a", first), ("b", second) };
        Assert.Equal(6, FashionMnist.Load(null, locations).Train.Count);
    }

    [Fact]
    public void Load_ViaNetDslData_DirectoryItself()
    {
        WriteFakeData(_temp.Path, trainCount: 7);
        using var environment = new EnvironmentScope(("NETDSL_DATA", _temp.Path));
        Assert.Equal(_temp.Path, FashionMnist.FindDirectory());
        Assert.Equal(7, FashionMnist.Load().Train.Count);
    }

    [Fact]
    public void Load_ViaNetDslData_FashionMnistSubdirectory()
    {
        string sub = Path.Combine(_temp.Path, "fashion-mnist");
        WriteFakeData(sub, trainCount: 8, gzip: false);
        using var environment = new EnvironmentScope(("NETDSL_DATA", _temp.Path));
        Assert.Equal(sub, FashionMnist.FindDirectory());
        Assert.Equal(8, FashionMnist.Load().Train.Count);
    }

    [Fact]
    public void SearchLocations_AreInTheDocumentedOrder()
    {
        using (new EnvironmentScope(("NETDSL_DATA", "/data"), ("XDG_CACHE_HOME", "/xdg")))
        {
            Assert.Equal(
                new[]
                {
                    "/data",
                    Path.Combine("/data", "fashion-mnist"),
                    "/usr/share/datasets/fashion-mnist",
                    Path.Combine("/xdg", "netdsl", "fashion-mnist"),
                },
                FashionMnist.SearchLocations().Select(l => l.Directory));
        }

        using (new EnvironmentScope(("NETDSL_DATA", null), ("XDG_CACHE_HOME", "relative/ignored")))
        {
            string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            Assert.Equal(
                new[] { null, "/usr/share/datasets/fashion-mnist", Path.Combine(home, ".cache", "netdsl", "fashion-mnist") },
                FashionMnist.SearchLocations().Select(l => l.Directory));
        }
    }

    [Fact]
    public void Load_ImageAndLabelCountMismatch_NamesBothFiles()
    {
        WriteFakeData(_temp.Path);
        Idx.WriteLabels(_temp.File("train-labels-idx1-ubyte.gz"), new[] { 1, 2, 3, 4 });
        var e = Assert.Throws<InvalidDataException>(() => FashionMnist.Load(_temp.Path));
        Assert.Contains(_temp.File("train-images-idx3-ubyte.gz") + " holds 5 images but " + _temp.File("train-labels-idx1-ubyte.gz") + " holds 4 labels", e.Message);
    }

    [Fact]
    public void Load_WrongImageSize_IsReported()
    {
        WriteFakeData(_temp.Path);
        Idx.WriteImages(_temp.File("t10k-images-idx3-ubyte.gz"), new byte[3 * 27 * 28], 3, 27, 28);
        var e = Assert.Throws<InvalidDataException>(() => FashionMnist.Load(_temp.Path));
        Assert.Contains("the images are 27×28 pixels; Fashion-MNIST images are 28×28", e.Message);
    }

    [Fact]
    public void Load_LabelOutOfRange_IsReported()
    {
        WriteFakeData(_temp.Path);
        Idx.WriteLabels(_temp.File("t10k-labels-idx1-ubyte.gz"), new[] { 1, 10, 3 });
        var e = Assert.Throws<InvalidDataException>(() => FashionMnist.Load(_temp.Path));
        Assert.Contains("t10k-labels-idx1-ubyte.gz: label 1 is 10", e.Message);
    }

    [Fact]
    public void Load_CorruptFile_IsReportedWithItsName()
    {
        WriteFakeData(_temp.Path);
        string path = _temp.File("train-images-idx3-ubyte.gz");
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes.AsSpan(0, bytes.Length - 30).ToArray());
        var e = Assert.Throws<InvalidDataException>(() => FashionMnist.Load(_temp.Path));
        Assert.StartsWith(path + ": ", e.Message);
    }

    [Fact]
    public void Load_EmptyDirectoryArgument_IsRejected()
    {
        Assert.Throws<ArgumentException>(() => FashionMnist.Load("  "));
    }

    [RealDataFact]
    public void RealData_HasTheExpectedShapeAndBalance()
    {
        (Dataset train, Dataset test) = FashionMnist.Load();
        Assert.Equal(60000, train.Count);
        Assert.Equal(10000, test.Count);
        Assert.Equal(784, train.FeatureCount);
        Assert.Equal(784, test.FeatureCount);
        Assert.Equal(10, train.ClassCount);

        var histogram = new int[10];
        foreach (int label in train.Labels)
        {
            histogram[label]++;
        }

        Assert.All(histogram, count => Assert.Equal(6000, count));

        float min = float.MaxValue, max = float.MinValue;
        foreach (float x in train.Features)
        {
            min = Math.Min(min, x);
            max = Math.Max(max, x);
        }

        Assert.Equal(0f, min);
        Assert.Equal(1f, max);

        var testHistogram = new int[10];
        foreach (int label in test.Labels)
        {
            testHistogram[label]++;
        }

        Assert.All(testHistogram, count => Assert.Equal(1000, count));

        // The first training image is an ankle boot, as in the book (y_train_full[0] == 9).
        Assert.Equal(9, train.Labels[0]);
    }

    private static void AssertNamesBothRemedies(string message)
    {
        Assert.Contains("sudo apt-get install dataset-fashion-mnist", message);
        Assert.Contains("NETDSL_DATA", message);
        Assert.Contains("FashionMnist.Load(directory)", message);
        Assert.Contains("train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte", message);
    }

    /// <summary>Sets environment variables for the duration of a test and restores them afterwards.</summary>
    private sealed class EnvironmentScope : IDisposable
    {
        private readonly List<(string Name, string? Value)> _saved = new();

        public EnvironmentScope(params (string Name, string? Value)[] variables)
        {
            foreach ((string name, string? value) in variables)
            {
                _saved.Add((name, Environment.GetEnvironmentVariable(name)));
                Environment.SetEnvironmentVariable(name, value);
            }
        }

        public void Dispose()
        {
            foreach ((string name, string? value) in _saved)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }
}
