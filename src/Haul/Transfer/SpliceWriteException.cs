using System.Runtime.InteropServices;

namespace Haul.Transfer;

/// <summary>
/// The file refused bytes that <see cref="SplicePipe"/> had already taken from the socket (disk
/// full, an I/O error). It travels up through the HTTP handler as the failure of a read, so the
/// transfer also finds it on the <see cref="FileBoundMemory"/> of that read and reports a storage
/// error, not a network one.
/// </summary>
internal sealed class SpliceWriteException(long position, int errno)
    : IOException(errno == 0 ? $"the file took no bytes at offset {position}" : $"{Marshal.GetPInvokeErrorMessage(errno)} (writing at offset {position})")
{
    /// <summary>The Linux error number, 0 when the write took nothing without one.</summary>
    public int Errno { get; } = errno;
}
