using System.IO.Compression;

namespace Haul.Actions;

internal sealed partial class ArchiveExtraction
{
    /// <summary>
    /// Zip entries become folders (names ending in a separator) or regular files; a zip's Unix
    /// symbolic links are written as plain files holding the target, never as links.
    /// </summary>
    private async Task ExtractZipAsync(Stream archive, CancellationToken cancellationToken)
    {
        // Read mode keeps only the central directory in memory; each entry is streamed from disk.
        var zip = await ZipArchive.CreateAsync(archive, ZipArchiveMode.Read, leaveOpen: true, entryNameEncoding: null, cancellationToken).ConfigureAwait(false);
        await using (zip.ConfigureAwait(false))
        {
            foreach (var entry in zip.Entries)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var name = entry.FullName;
                _budget.AddEntry(name);

                if (name.EndsWith('/') || name.EndsWith('\\'))
                {
                    CreateFolder(name);
                    continue;
                }

                var data = await entry.OpenAsync(cancellationToken).ConfigureAwait(false);
                await using (data.ConfigureAwait(false))
                {
                    await WriteFileAsync(name, data, ZipPermissions(entry), cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>Zips made on Unix keep the mode in the high half of the external attributes (0 elsewhere).</summary>
    private static UnixFileMode? ZipPermissions(ZipArchiveEntry entry) => PermissionsOf((UnixFileMode)((entry.ExternalAttributes >> 16) & 0xFFFF));
}
