using System.Text.Json;
using Haul.Errors;

namespace Haul.Storage;

/// <summary>The <c>.part.meta</c> beside a .part: the validators that let a later attempt resume it.</summary>
internal sealed partial class PartFile
{
    /// <summary>Reads the metadata of a .part left by an earlier attempt or run.</summary>
    public async ValueTask<PartMetadata?> LoadMetadataAsync(CancellationToken cancellationToken)
    {
        NoFollow.Check(MetaPath);
        try
        {
            await using var stream = File.OpenRead(MetaPath);
            _metadata = await JsonSerializer.DeserializeAsync(stream, PartMetadataJson.Default.PartMetadata, cancellationToken).ConfigureAwait(false);
            _metadataOnDisk = _metadata is not null;
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            // Missing or torn metadata only costs a restart from zero, never a wrong splice.
            _metadata = null;
        }

        return _metadata;
    }

    /// <summary>A new body is coming from byte zero: forget the old validators, on disk too.</summary>
    public void StartOver(PartMetadata metadata)
    {
        if (Existed || _metadataOnDisk)
        {
            NoFollow.Check(MetaPath);
            File.Delete(MetaPath);
        }

        _metadataOnDisk = false;
        _metadata = metadata;
    }

    /// <summary>Writes the metadata of the current body if it is not on disk yet.</summary>
    public async ValueTask SaveMetadataAsync(CancellationToken cancellationToken)
    {
        if (_metadata is null || _metadataOnDisk)
        {
            return;
        }

        var temp = MetaPath + ".tmp";
        var stream = NoFollow.CreateFresh(temp);
        try
        {
            await using (stream.ConfigureAwait(false))
            {
                await JsonSerializer.SerializeAsync(stream, _metadata, PartMetadataJson.Default.PartMetadata, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            // A full disk, or a stop: the half-written temporary is no one's (the next save makes a fresh one).
            DeleteQuietly(temp);
            throw;
        }

        // A rename replaces a link at the name instead of following it; still, a link there is
        // not Haul's and is refused rather than silently removed.
        NoFollow.Check(MetaPath);
        File.Move(temp, MetaPath, overwrite: true);
        _metadataOnDisk = true;
    }

    /// <summary>Replaces the metadata on disk with <paramref name="metadata"/> (a segmented download's piece map changes as it goes).</summary>
    public async ValueTask SaveMetadataAsync(PartMetadata metadata, CancellationToken cancellationToken)
    {
        _metadata = metadata;
        _metadataOnDisk = false;
        await SaveMetadataAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (HaulErrors.IsStorageFault(ex))
        {
            // Left for the next save, which removes it before it writes.
        }
    }

    private void RemoveMetadata()
    {
        if (_metadataOnDisk)
        {
            File.Delete(MetaPath);
            _metadataOnDisk = false;
        }
    }
}
