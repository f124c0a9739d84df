using System.Text.Json;

namespace Haul.Storage;

/// <summary>
/// The <c>.part</c> file a download writes into, with a small <c>.part.meta</c> beside it that
/// remembers the validators (ETag, Last-Modified) needed to resume it with <c>If-Range</c>.
/// Only a complete, verified body is moved to the final name.
/// </summary>
internal sealed class PartFile
{
    public const string Suffix = ".part";
    public const string MetaSuffix = ".part.meta";

    public PartFile(string targetPath)
    {
        TargetPath = targetPath;
        Path = targetPath + Suffix;
        MetaPath = targetPath + MetaSuffix;
    }

    public string TargetPath { get; }

    public string Path { get; }

    public string MetaPath { get; }

    public long ExistingLength()
    {
        var info = new FileInfo(Path);
        return info.Exists ? info.Length : 0;
    }

    public async ValueTask<PartMetadata?> ReadMetadataAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = File.OpenRead(MetaPath);
            return await JsonSerializer.DeserializeAsync(stream, PartMetadataJson.Default.PartMetadata, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            // Missing or torn metadata only costs a restart from zero, never a wrong splice.
            return null;
        }
    }

    public async ValueTask WriteMetadataAsync(PartMetadata metadata, CancellationToken cancellationToken)
    {
        var temp = MetaPath + ".tmp";
        await using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            await JsonSerializer.SerializeAsync(stream, metadata, PartMetadataJson.Default.PartMetadata, cancellationToken).ConfigureAwait(false);
        }

        File.Move(temp, MetaPath, overwrite: true);
    }

    public FileStream OpenForWrite(long offset)
    {
        var stream = new FileStream(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0, FileOptions.Asynchronous);
        stream.SetLength(offset);
        stream.Position = offset;
        return stream;
    }

    public void Delete()
    {
        File.Delete(Path);
        File.Delete(MetaPath);
    }

    /// <summary>Moves the finished body to <paramref name="finalPath"/> without ever replacing an existing file.</summary>
    public bool TryCommit(string finalPath)
    {
        try
        {
            File.Move(Path, finalPath, overwrite: false);
        }
        catch (IOException) when (File.Exists(finalPath))
        {
            return false;
        }

        File.Delete(MetaPath);
        return true;
    }
}
