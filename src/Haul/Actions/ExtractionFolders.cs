using System.Globalization;
using System.Security.Cryptography;

namespace Haul.Actions;

/// <summary>
/// The hidden folder an archive is unpacked into, and the rename that makes it visible only once
/// everything in it is complete.
/// </summary>
internal static class ExtractionFolders
{
    /// <summary>Keeps the hidden name under the usual 255-byte limit whatever the archive is called.</summary>
    private const int MaxStemInTemporaryName = 100;

    private const int MaxSuffix = 10_000;

    /// <summary>Creates <c>.NAME.extracting-RANDOM</c> beside the archive: same file system, so the final rename is atomic.</summary>
    public static string CreateTemporary(string directory, string folderName)
    {
        var stem = folderName.Length > MaxStemInTemporaryName ? folderName[..MaxStemInTemporaryName] : folderName;
        while (true)
        {
            var path = Path.Combine(directory, $".{stem}.extracting-{RandomNumberGenerator.GetHexString(12, lowercase: true)}");
            if (!IsOccupied(path))
            {
                Directory.CreateDirectory(path);
                return path;
            }
        }
    }

    /// <summary>Renames the finished folder to NAME, or NAME.1, NAME.2, … when taken; returns the name used.</summary>
    public static string MoveIntoPlace(string temporary, string directory, string folderName)
    {
        for (var suffix = 0; suffix < MaxSuffix; suffix++)
        {
            var name = suffix == 0 ? folderName : string.Create(CultureInfo.InvariantCulture, $"{folderName}.{suffix}");
            var target = Path.Combine(directory, name);
            if (IsOccupied(target))
            {
                continue;
            }

            try
            {
                Directory.Move(temporary, target);
                return name;
            }
            catch (IOException) when (IsOccupied(target))
            {
                // Taken between the check and the rename (another extraction): try the next name.
            }
        }

        throw new IOException($"no free folder name from {folderName} to {folderName}.{MaxSuffix - 1}");
    }

    /// <summary>Best effort: a folder left behind is hidden and harmless, and must not mask the real outcome.</summary>
    public static void DeleteQuietly(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Anything at the path counts, including a dangling symbolic link.</summary>
    private static bool IsOccupied(string path) => Path.Exists(path) || new FileInfo(path).LinkTarget is not null;
}
