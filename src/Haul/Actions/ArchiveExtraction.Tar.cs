using System.Formats.Tar;
using System.IO.Compression;

namespace Haul.Actions;

internal sealed partial class ArchiveExtraction
{
    private async Task ExtractTarGzipAsync(Stream archive, CancellationToken cancellationToken)
    {
        var gzip = new GZipStream(archive, CompressionMode.Decompress, leaveOpen: true);
        await using (gzip.ConfigureAwait(false))
        {
            await ExtractTarAsync(gzip, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ExtractTarAsync(Stream archive, CancellationToken cancellationToken)
    {
        // copyData: false streams each entry's data straight from the archive (it must be read
        // before the next entry, which WriteFileAsync does).
        var reader = new TarReader(archive, leaveOpen: true);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await ExtractTarEntryAsync(entry, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task ExtractTarEntryAsync(TarEntry entry, CancellationToken cancellationToken)
    {
        var name = entry.Name;
        _budget.AddEntry(name);

        switch (entry.EntryType)
        {
            case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                await WriteFileAsync(name, entry.DataStream ?? Stream.Null, PermissionsOf(entry.Mode), cancellationToken).ConfigureAwait(false);
                break;
            case TarEntryType.Directory:
                CreateFolder(name);
                break;
            case TarEntryType.SymbolicLink:
                CreateSymbolicLink(name, entry.LinkName);
                break;
            case TarEntryType.HardLink:
                await CopyHardLinkAsync(name, entry.LinkName, cancellationToken).ConfigureAwait(false);
                break;
            case TarEntryType.CharacterDevice:
                throw _refusal.Create(name, "is a character device, which is never extracted");
            case TarEntryType.BlockDevice:
                throw _refusal.Create(name, "is a block device, which is never extracted");
            case TarEntryType.Fifo:
                throw _refusal.Create(name, "is a named pipe (FIFO), which is never extracted");
            case TarEntryType.GlobalExtendedAttributes:
                // Metadata for the entries that follow (pax); nothing to create.
                break;
            default:
                throw _refusal.Create(name, $"is a tar entry of type {entry.EntryType}, which is never extracted");
        }
    }
}
