using System;
using System.IO;

namespace NetDsl.Onnx;

/// <summary>Writes a file the way NetDsl's weight files are written: temporary file, flush to disk, rename.</summary>
internal static class AtomicFile
{
    /// <summary>
    /// Writes <paramref name="bytes"/> to a temporary file in the directory of <paramref name="fullPath"/>, flushes it to
    /// disk and renames it over <paramref name="fullPath"/>; on failure the temporary file is deleted and the old file
    /// (if any) is untouched. <paramref name="beforeRename"/> is a test hook.
    /// </summary>
    internal static void Write(string fullPath, byte[] bytes, Action<string>? beforeRename = null)
    {
        string directory = Path.GetDirectoryName(fullPath) ?? ".";
        string temp = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes, 0, bytes.Length);
                stream.Flush(flushToDisk: true);
            }
            beforeRename?.Invoke(temp);
            File.Move(temp, fullPath, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }
}
