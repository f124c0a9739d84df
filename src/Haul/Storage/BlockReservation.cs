using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Haul.Storage;

/// <summary>
/// Reserves the blocks of a long body a step ahead of its writes, on ext4, where a write into
/// blocks already reserved skips the per-page work of delayed allocation: 1 GiB written in 512 KiB
/// pieces took 0.15 s of system time instead of 0.21. The file's length is not changed
/// (fallocate(2) with FALLOC_FL_KEEP_SIZE), so a .part still says how much of the body arrived.
/// </summary>
/// <remarks>
/// Never past the body's announced end, and never more than <see cref="Step"/> past the bytes
/// received: a server that announces a length it never sends leaves at most that much reserved
/// past the end of the .part. Best effort: a file system that refuses (ENOSPC, EOPNOTSUPP) ends
/// the reservations for this body, and the write that follows meets the same condition and reports
/// it as before. Other file systems are left alone: on tmpfs the same writes took longer, since
/// reserving there zeroes every page first.
/// </remarks>
internal sealed partial class BlockReservation
{
    /// <summary>Bodies shorter than this are not reserved: one more system call would cost more than it saves.</summary>
    internal const long Threshold = 1024 * 1024;

    /// <summary>How far ahead of the received bytes blocks are reserved, in one call.</summary>
    internal const long Step = 16 * 1024 * 1024;

    private const int KeepSize = 1;
    private const long Ext4Magic = 0xEF53;

    private readonly SafeFileHandle _file;
    private readonly long _end;
    private long _reserved;
    private bool _refused;

    private BlockReservation(SafeFileHandle file, long offset, long end)
    {
        _file = file;
        _reserved = offset;
        _end = end;
    }

    /// <summary>Reserved up to here (from the body's first byte to be written on).</summary>
    public long Reserved => _reserved;

    /// <summary>
    /// Reservations for a body written from <paramref name="offset"/> up to <paramref name="end"/>
    /// into <paramref name="file"/>; null when they would not pay (an unknown or short length, a
    /// file system other than ext4, a system other than Linux).
    /// </summary>
    public static BlockReservation? For(SafeFileHandle file, long offset, long? end)
    {
        ArgumentNullException.ThrowIfNull(file);
        return OperatingSystem.IsLinux() && end is { } last && last - offset >= Threshold && IsExt4(file)
            ? new BlockReservation(file, offset, last)
            : null;
    }

    /// <summary>
    /// Bytes are about to arrive at <paramref name="position"/>, <paramref name="count"/> at most:
    /// when they would pass what is reserved, the next step is (up to the body's end).
    /// </summary>
    public void Ahead(long position, int count)
    {
        var upTo = Math.Min(position + count, _end);
        if (_refused || upTo <= _reserved)
        {
            return;
        }

        var from = Math.Max(_reserved, position);
        var to = Math.Min(_end, Math.Max(upTo, from + Step));
        var added = false;
        try
        {
            _file.DangerousAddRef(ref added);
            if (Allocate((int)_file.DangerousGetHandle(), KeepSize, from, to - from) != 0)
            {
                _refused = true;
                return;
            }
        }
        finally
        {
            if (added)
            {
                _file.DangerousRelease();
            }
        }

        _reserved = to;
    }

    private static bool IsExt4(SafeFileHandle file)
    {
        if (!Environment.Is64BitProcess)
        {
            return false;
        }

        // struct statfs begins with f_type, a long on 64-bit Linux.
        Span<byte> status = stackalloc byte[256];
        var added = false;
        try
        {
            file.DangerousAddRef(ref added);
            return FileSystemStatus((int)file.DangerousGetHandle(), status) == 0 && BitConverter.ToInt64(status) == Ext4Magic;
        }
        finally
        {
            if (added)
            {
                file.DangerousRelease();
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "fallocate")]
    private static partial int Allocate(int descriptor, int mode, long offset, long length);

    [LibraryImport("libc", EntryPoint = "fstatfs")]
    private static partial int FileSystemStatus(int descriptor, Span<byte> status);
}
