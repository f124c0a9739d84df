using System.Buffers;
using Haul.Errors;
using Microsoft.Win32.SafeHandles;

namespace Haul.Storage;

/// <summary>
/// The last step of a download: checks that the claimed <c>.part</c> still holds the bytes that
/// were received, chooses the final name, and renames the <c>.part</c> there in one step (or, with
/// <c>--dedupe</c>, links the name to a twin already on disk). The transfer hands over what it
/// knows (the claimed part, the digest and length of the body, the naming inputs) and gets back
/// the committed path.
/// </summary>
internal sealed class PartCommit(NameReservations names, ContentDeduplicator? deduplicator, bool allowOverwrite)
{
    /// <summary>A body up to this long is read back and rehashed before it is committed (see <see cref="FindChange"/>).</summary>
    internal const long ReadBackLimit = 64L * 1024 * 1024;

    /// <summary>The buffer of the read-back: the page cache serves it, so a larger one buys nothing.</summary>
    private const int ReadBackBuffer = 256 * 1024;

    /// <summary>
    /// Makes sure the reported SHA-256 is that of the bytes on disk. The digest is computed from
    /// the stream as it is written, which is right as long as nothing else writes the .part. The
    /// claim's lock keeps every other Haul transfer out; outside writers are caught here. The
    /// length through the handle and the identity of the name (a system call each) catch a
    /// truncated or replaced file. A truncation followed by more of our writes leaves the right
    /// length with a zero-filled gap, and a rewrite in place keeps both, so a body up to
    /// <see cref="ReadBackLimit"/> is also read back through the locked handle and rehashed: from
    /// the page cache, about what hashing it cost the first time, and nothing next to the
    /// transfer. Above the limit (a re-read of gigabytes) only the two cheap checks run; there a
    /// body may also have gone from the socket into the file without a buffer, and its digest is
    /// then of the bytes read back from the file a few MiB behind the writes (see BodySink.Moves.cs).
    /// <para>
    /// Nor is a body read back that went to disk in one write from byte zero, after all of it had
    /// arrived (<paramref name="writtenInOneWrite"/>; a small file, usually). The digest is of the
    /// very buffer that write took, and the length through the handle equals what it wrote, so
    /// every byte of the file came from that write: a truncation before it is undone by it, one
    /// after it shows in the length, a replaced file in the identity. What is left is an outside
    /// writer rewriting bytes in place after the write, in the moment between it and this check,
    /// and the read-back leaves the same moment open between itself and the rename. The gaps the
    /// read-back closes (a truncation between two of our writes, a rewrite during a long
    /// transfer) need a second write or time between write and commit, and this body had neither.
    /// </para>
    /// </summary>
    /// <returns>Null when the part is intact; else what changed, and the part has been emptied
    /// (nothing in it can be trusted, nor resumed by a later attempt or run).</returns>
    /// <exception cref="StorageException">The part could not be checked.</exception>
    public static string? FindChange(string url, PartFile part, long length, string sha256, bool writtenInOneWrite = false)
    {
        try
        {
            var problem = part.CheckIntact(length);
            if (problem is null && !writtenInOneWrite && length <= ReadBackLimit && ReadBackSha256(part.Handle, length) != sha256)
            {
                problem = "its bytes are not the ones received";
            }

            if (problem is not null)
            {
                part.Reset();
            }

            return problem;
        }
        catch (Exception ex) when (HaulErrors.IsStorageFault(ex))
        {
            throw HaulErrors.Storage(url, part.Path, ex);
        }
    }

    /// <summary>
    /// Moves the verified <paramref name="part"/> to its final name: the server's suggested name
    /// when the name is not fixed, never over a file that appeared since the name was reserved
    /// (the next free name is taken) unless the file is replaced on purpose.
    /// </summary>
    /// <exception cref="StorageException">The rename or link failed.</exception>
    public CommittedFile Commit(string url, PartFile part, CommitPlace place, string sha256, long length)
    {
        var name = place.Name;
        var finalPath = place.Path;
        if (!place.NameIsFixed && place.SuggestedName is { } suggested && suggested != name)
        {
            name = suggested;
            finalPath = names.Reserve(place.Directory, name, allowOverwrite ? null : IsFree);
        }

        try
        {
            // A twin that is a link now is not content Haul wrote: link(2) would copy the link itself.
            if (deduplicator?.FindTwin(sha256, length, finalPath) is { } twin && !NoFollow.IsLink(twin))
            {
                return CommitAsLink(part, place, twin, finalPath, name);
            }

            // Someone may have created the file since it was reserved: never overwrite, take the next
            // name; unless --allow-overwrite, and then rename(2) replaces it in one step, and a link
            // there is refused rather than replaced.
            var replace = allowOverwrite || (place.ReplacesExisting && finalPath == place.Path);
            if (allowOverwrite)
            {
                NoFollow.Check(finalPath);
            }

            while (!part.TryCommit(finalPath, replace))
            {
                finalPath = names.Reserve(place.Directory, name, IsFree);
            }
        }
        catch (Exception ex) when (HaulErrors.IsStorageFault(ex))
        {
            throw HaulErrors.Storage(url, finalPath, ex);
        }

        return new CommittedFile(finalPath);
    }

    /// <summary>
    /// <c>--dedupe</c>: the same bytes are already on disk, so the final name becomes a hard link to
    /// them. Where a link cannot be made, nothing is stored and the result names the first copy.
    /// </summary>
    private CommittedFile CommitAsLink(PartFile part, CommitPlace place, string twin, string finalPath, string name)
    {
        var staging = part.Path + ".link";
        NoFollow.Check(staging);
        File.Delete(staging);
        if (!HardLink.TryCreate(twin, staging, out var error))
        {
            part.Discard();
            return new CommittedFile(twin, Note: $"same content as {twin}; not stored again (a hard link failed: {error})");
        }

        var replace = place.ReplacesExisting && finalPath == place.Path;
        while (true)
        {
            try
            {
                File.Move(staging, finalPath, overwrite: replace);
                break;
            }
            catch (IOException) when (!replace && File.Exists(finalPath))
            {
                finalPath = names.Reserve(place.Directory, name, IsFree);
            }
        }

        part.Discard();
        return new CommittedFile(finalPath, Note: $"hard link to {twin}, which has the same content");
    }

    private static string ReadBackSha256(SafeFileHandle handle, long length)
    {
        using var sha256 = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(ReadBackBuffer, Math.Max(length, 1)));
        try
        {
            for (long position = 0; position < length;)
            {
                var read = RandomAccess.Read(handle, buffer.AsSpan(0, (int)Math.Min(buffer.Length, length - position)), position);
                if (read == 0)
                {
                    break;
                }

                sha256.AppendData(buffer, 0, read);
                position += read;
            }

            return Convert.ToHexStringLower(sha256.GetCurrentHash());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A name is free when neither a file nor a download into it is there.</summary>
    private static bool IsFree(string path) => !File.Exists(path) && !File.Exists(path + PartFile.Suffix);
}
