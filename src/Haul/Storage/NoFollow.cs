namespace Haul.Storage;

/// <summary>
/// Haul's own file names under <c>-d</c> are never followed when they are symbolic links: the
/// check reads the link itself (lstat), never what it points to. Directories the user linked
/// (<c>-d</c> itself, for one) are not looked at: only the last part of a path is.
/// </summary>
internal static class NoFollow
{
    /// <summary>True when <paramref name="path"/> itself is a symbolic link (dangling or not).</summary>
    public static bool IsLink(string path) => new FileInfo(path).LinkTarget is not null;

    /// <summary>
    /// What is at <paramref name="path"/> itself: a link (dangling or not), a directory, another
    /// file, or nothing. One statx(2) where the OS has it, where asking whether it is a link and
    /// then whether it exists took a readlink(2) and a stat(2).
    /// </summary>
    public static EntryKind Look(string path) =>
        FileIdentity.KindOf(path) ?? (IsLink(path) ? EntryKind.Link
            : File.Exists(path) ? EntryKind.File
            : Directory.Exists(path) ? EntryKind.Directory
            : EntryKind.Missing);

    /// <summary>Throws <see cref="LinkRefusedException"/> when <paramref name="path"/> is a symbolic link.</summary>
    public static void Check(string path)
    {
        if (IsLink(path))
        {
            throw new LinkRefusedException(path);
        }
    }

    /// <summary>
    /// Creates <paramref name="path"/> exclusively (O_CREAT|O_EXCL), which never follows a link:
    /// a link already there is refused; a stale file there is removed first, and a link planted
    /// between the removal and the create makes the create fail instead of being followed.
    /// </summary>
    public static FileStream CreateFresh(string path, FileAccess access = FileAccess.Write, FileShare share = FileShare.None)
    {
        for (var tries = 0; ; tries++)
        {
            Check(path);
            File.Delete(path);
            try
            {
                return new FileStream(path, FileMode.CreateNew, access, share, bufferSize: 0);
            }
            catch (IOException) when (IsLink(path))
            {
                throw new LinkRefusedException(path);
            }
            catch (IOException) when (tries < 3 && File.Exists(path))
            {
                // Something else appeared between the removal and the create: remove it again.
            }
        }
    }
}
