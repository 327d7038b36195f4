using System;
using System.IO;

namespace NetDsl;

/// <summary>
/// The one way NetDsl writes a file (weight files, checkpoints, IDX files, ONNX models): into a hidden temporary file
/// beside the target, flushed to disk, then renamed over the target. A failure deletes the temporary file and leaves
/// the old file, if any, untouched.
/// </summary>
internal static class AtomicFile
{
    /// <summary>
    /// Writes through <paramref name="write"/> to <paramref name="path"/>. Refuses a directory path; creates a missing
    /// directory. <paramref name="beforeRename"/> (given the temporary file's path) is a test hook.
    /// </summary>
    internal static void Write(string path, Action<Stream> write, Action<string>? beforeRename = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new IOException($"{path} is a directory.");
        string directory = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(directory);
        string temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                write(stream);
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

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> as <see cref="Write(string, Action{Stream}, Action{string}?)"/> does.</summary>
    internal static void Write(string path, byte[] bytes, Action<string>? beforeRename = null) =>
        Write(path, stream => stream.Write(bytes, 0, bytes.Length), beforeRename);
}
