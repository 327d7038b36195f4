using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace NetDsl;

/// <summary>
/// Loads Zalando's Fashion-MNIST (70,000 grayscale 28×28 images of clothes in 10 classes: 60,000 for training,
/// 10,000 for testing), the dataset of chapter 11 of <i>Hands-On Machine Learning</i>.
/// </summary>
/// <remarks>
/// <para>
/// The data are the four IDX files <c>train-images-idx3-ubyte</c>, <c>train-labels-idx1-ubyte</c>,
/// <c>t10k-images-idx3-ubyte</c> and <c>t10k-labels-idx1-ubyte</c>, each raw or gzip-compressed (<c>.gz</c>).
/// When no directory is given, they are looked for, in order, in:
/// </para>
/// <list type="number">
/// <item><description><c>$NETDSL_DATA</c>, then <c>$NETDSL_DATA/fashion-mnist</c>;</description></item>
/// <item><description><c>/usr/share/datasets/fashion-mnist</c> (Debian/Ubuntu: <c>sudo apt-get install dataset-fashion-mnist</c>);</description></item>
/// <item><description>the user cache, <c>$XDG_CACHE_HOME/netdsl/fashion-mnist</c>, by default <c>~/.cache/netdsl/fashion-mnist</c>.</description></item>
/// </list>
/// <para>The first location holding all four files is used. Within a location, a raw file is preferred to its <c>.gz</c>.</para>
/// </remarks>
public static class FashionMnist
{
    /// <summary>The environment variable naming a directory that holds the data (or its <c>fashion-mnist</c> subdirectory).</summary>
    public const string DataEnvironmentVariable = "NETDSL_DATA";

    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package installs the files.</summary>
    public const string DebianDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The side of the square images, in pixels.</summary>
    public const int ImageSize = 28;

    /// <summary>The number of features per sample (28 × 28 pixels).</summary>
    public const int FeatureCount = ImageSize * ImageSize;

    /// <summary>The number of classes.</summary>
    public const int ClassCount = 10;

    /// <summary>The class names, indexed by label (Zalando's names, as in the book).</summary>
    public static readonly string[] ClassNames =
    {
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    };

    /// <summary>The base names of the four files (each may also exist with a <c>.gz</c> suffix).</summary>
    internal static readonly string[] FileNames =
    {
        "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
    };

    /// <summary>
    /// Loads the training and test sets. Features are the 784 pixels of each image, row-major, scaled to [0, 1];
    /// labels are the classes 0–9 (see <see cref="ClassNames"/>).
    /// </summary>
    /// <param name="directory">
    /// A directory holding the four files. When given, only it is used; when null, the standard locations are
    /// searched (see the remarks on <see cref="FashionMnist"/>).
    /// </param>
    /// <returns>The 60,000 training samples and the 10,000 test samples (fewer for custom files).</returns>
    /// <exception cref="FileNotFoundException">
    /// The files were not found; the message lists every place looked in and how to provide the data.
    /// </exception>
    /// <exception cref="InvalidDataException">
    /// A file is corrupt or truncated, the images are not 28×28, a label is not in 0–9, or an image file and its
    /// label file disagree on the number of samples (the message names the files).
    /// </exception>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is empty or white space.</exception>
    public static (Dataset Train, Dataset Test) Load(string? directory = null) => Load(directory, searchLocations: null);

    /// <summary>
    /// Returns the directory <see cref="Load(string?)"/> would read, or null when it would fail to find the files.
    /// Tests and samples use it to skip with a reason when the data is absent.
    /// </summary>
    /// <param name="directory">As for <see cref="Load(string?)"/>: when given, only it is considered.</param>
    /// <returns>A directory holding all four files, or null.</returns>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is empty or white space.</exception>
    public static string? FindDirectory(string? directory = null)
    {
        string found = Locate(directory, searchLocations: null, out _);
        return found.Length == 0 ? null : found;
    }

    /// <summary><see cref="Load(string?)"/> with the search locations replaced (for tests).</summary>
    internal static (Dataset Train, Dataset Test) Load(string? directory, IReadOnlyList<(string Label, string? Directory)>? searchLocations)
    {
        string found = Locate(directory, searchLocations, out string searchReport);
        if (found.Length == 0)
        {
            throw new FileNotFoundException(searchReport);
        }

        string[] paths = new string[FileNames.Length];
        for (int i = 0; i < paths.Length; i++)
        {
            paths[i] = FindFile(found, FileNames[i])!;
        }

        Dataset train = LoadPair(paths[0], paths[1]);
        Dataset test = LoadPair(paths[2], paths[3]);
        return (train, test);
    }

    /// <summary>The locations searched when no directory is given, in order, each with a label for messages.</summary>
    internal static List<(string Label, string? Directory)> SearchLocations()
    {
        var locations = new List<(string Label, string? Directory)>();
        string? data = Environment.GetEnvironmentVariable(DataEnvironmentVariable);
        if (string.IsNullOrWhiteSpace(data))
        {
            locations.Add(($"${DataEnvironmentVariable}", null));
        }
        else
        {
            locations.Add(($"${DataEnvironmentVariable}", data));
            locations.Add(($"${DataEnvironmentVariable}/fashion-mnist", Path.Combine(data, "fashion-mnist")));
        }

        locations.Add(("Debian's dataset-fashion-mnist", DebianDirectory));
        string? cache = CacheDirectory();
        locations.Add(("user cache", cache));
        return locations;
    }

    /// <summary>The user cache directory for the data: <c>$XDG_CACHE_HOME/netdsl/fashion-mnist</c> or <c>~/.cache/netdsl/fashion-mnist</c>.</summary>
    internal static string? CacheDirectory()
    {
        // The XDG base-directory specification says relative values are invalid and must be ignored.
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (!string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg))
        {
            return Path.Combine(xdg, "netdsl", "fashion-mnist");
        }

        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return string.IsNullOrEmpty(home) ? null : Path.Combine(home, ".cache", "netdsl", "fashion-mnist");
    }

    /// <summary>Returns the directory to use ("" if none) and, when none, the message to throw.</summary>
    private static string Locate(string? directory, IReadOnlyList<(string Label, string? Directory)>? searchLocations, out string report)
    {
        var message = new StringBuilder();
        if (directory is not null)
        {
            if (string.IsNullOrWhiteSpace(directory))
            {
                throw new ArgumentException("The directory must not be empty; pass null to search the standard locations.", nameof(directory));
            }

            string? problem = Problem(directory);
            if (problem is null)
            {
                report = string.Empty;
                return directory;
            }

            message.Append("Fashion-MNIST not found in the directory given, ").Append(directory).Append(": ").Append(problem).AppendLine(".");
            AppendRemedies(message);
            report = message.ToString();
            return string.Empty;
        }

        message.AppendLine("Fashion-MNIST not found. Looked in:");
        foreach ((string label, string? candidate) in searchLocations ?? SearchLocations())
        {
            if (candidate is null)
            {
                message.Append("  - ").Append(label).AppendLine(": not set");
                continue;
            }

            string? problem = Problem(candidate);
            if (problem is null)
            {
                report = string.Empty;
                return candidate;
            }

            message.Append("  - ").Append(candidate).Append(" (").Append(label).Append("): ").AppendLine(problem);
        }

        AppendRemedies(message);
        report = message.ToString();
        return string.Empty;
    }

    private static void AppendRemedies(StringBuilder message)
    {
        message.AppendLine("To provide the data, either:");
        message.AppendLine("  - install Debian's package: sudo apt-get install dataset-fashion-mnist (it puts the files in " + DebianDirectory + "), or");
        message.Append("  - set ").Append(DataEnvironmentVariable)
            .Append(" to a directory holding ").Append(string.Join(", ", FileNames))
            .Append(" (each raw or .gz), or pass such a directory to FashionMnist.Load(directory).");
    }

    /// <summary>Null when <paramref name="directory"/> holds all four files; otherwise what is wrong.</summary>
    private static string? Problem(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return File.Exists(directory) ? "is a file, not a directory" : "does not exist";
        }

        var missing = new List<string>();
        foreach (string name in FileNames)
        {
            if (FindFile(directory, name) is null)
            {
                missing.Add(name + "[.gz]");
            }
        }

        return missing.Count == 0 ? null : "missing " + string.Join(", ", missing);
    }

    private static string? FindFile(string directory, string name)
    {
        string raw = Path.Combine(directory, name);
        if (File.Exists(raw))
        {
            return raw;
        }

        string gz = raw + ".gz";
        return File.Exists(gz) ? gz : null;
    }

    private static Dataset LoadPair(string imagesPath, string labelsPath)
    {
        (float[] pixels, int count, int rows, int columns) = Idx.ReadImages(imagesPath);
        if (rows != ImageSize || columns != ImageSize)
        {
            throw new InvalidDataException(
                $"{imagesPath}: the images are {rows}×{columns} pixels; Fashion-MNIST images are {ImageSize}×{ImageSize}.");
        }

        int[] labels = Idx.ReadLabels(labelsPath);
        if (labels.Length != count)
        {
            throw new InvalidDataException(
                $"{imagesPath} holds {count} images but {labelsPath} holds {labels.Length} labels; the two files must describe the same samples.");
        }

        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= ClassCount)
            {
                throw new InvalidDataException(
                    $"{labelsPath}: label {i} is {labels[i]}; Fashion-MNIST labels are 0 to {ClassCount - 1}.");
            }
        }

        // The pixels are byte / 255 (always finite) and the labels are bytes: no need to rescan or copy.
        return new Dataset(pixels, labels, FeatureCount, validateFeatures: false);
    }
}
