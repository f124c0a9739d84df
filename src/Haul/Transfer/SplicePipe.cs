using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Haul.Transfer;

/// <summary>
/// Moves body bytes from a connection's socket into a file without bringing them into the
/// process: splice(2) hands the socket's received pages to a pipe, and a second splice writes
/// them at their place in the file. One copy (into the page cache) instead of two (into a
/// buffer, then into the page cache), and no buffer for the receiving thread to touch: on one
/// fast stream this is what lets haul keep up with a peer that does not hash what it saves.
/// Linux only; one pipe per connection, used by one read at a time.
/// </summary>
/// <remarks>
/// The pipe is empty between moves: a move either writes everything it took from the socket or
/// fails, and a failed pipe is not used again (the connection it belongs to is broken then: the
/// bytes taken from the socket reached neither the file nor the handler).
/// </remarks>
internal sealed partial class SplicePipe : IDisposable
{
    /// <summary>What one pipe asks to hold: as much as one large receive buffer, so a move is one splice each way.</summary>
    internal const int WantedCapacity = ResumableTransfer.LargeReceiveBuffer;

    private const int CloseOnExec = 0x80000;
    private const int SetPipeSize = 1031;
    private const int GetPipeSize = 1032;
    private const uint SpliceMove = 1;
    private const uint SpliceNonBlocking = 2;
    private const int TryAgain = 11;
    private const int Interrupted = 4;

    private readonly SafeFileHandle _out;
    private readonly SafeFileHandle _in;
    private readonly int _capacity;
    private bool _broken;

    private SplicePipe(SafeFileHandle output, SafeFileHandle input, int capacity)
    {
        _out = output;
        _in = input;
        _capacity = capacity;
    }

    /// <summary>Whether this system can move socket bytes into files (Linux).</summary>
    public static bool IsSupported => OperatingSystem.IsLinux();

    /// <summary>A new pipe, or null when none can be made (no descriptors left, not Linux): the caller reads as usual then.</summary>
    public static unsafe SplicePipe? TryCreate()
    {
        if (!IsSupported)
        {
            return null;
        }

        int* fds = stackalloc int[2];
        if (Pipe2(fds, CloseOnExec) != 0)
        {
            return null;
        }

        // A larger pipe is only fewer system calls; past the per-user limit (pipe-user-pages-soft)
        // the kernel refuses it and the default (64 KiB) serves.
        _ = Fcntl(fds[1], SetPipeSize, WantedCapacity);
        var capacity = Fcntl(fds[1], GetPipeSize, 0);
        return new SplicePipe(new SafeFileHandle(fds[0], ownsHandle: true), new SafeFileHandle(fds[1], ownsHandle: true), capacity > 0 ? capacity : 64 * 1024);
    }

    /// <summary>Whether a move failed half-way: the pipe may hold bytes and must not be used again.</summary>
    public bool IsBroken => _broken;

    /// <summary>
    /// Moves up to <paramref name="count"/> bytes from <paramref name="socket"/> into
    /// <paramref name="file"/> at <paramref name="position"/>, waiting (without a thread) until the
    /// socket has some; returns how many moved, 0 when the peer closed the connection. Returns as
    /// soon as some bytes moved and the socket has no more at hand, like a read.
    /// </summary>
    /// <exception cref="IOException">The socket failed (the inner exception is its <see cref="SocketException"/>).</exception>
    /// <exception cref="SpliceWriteException">The file refused the bytes (disk full, an I/O error): they are lost, and so is the connection.</exception>
    public async ValueTask<int> MoveAsync(Socket socket, SafeFileHandle file, long position, int count, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_broken, this);
        var moved = 0;
        while (moved < count)
        {
            var taken = TakeFromSocket(socket, Math.Min(count - moved, _capacity));
            if (taken > 0)
            {
                PutIntoFile(file, position + moved, taken);
                moved += taken;
                continue;
            }

            if (taken == 0 || moved > 0)
            {
                // The end of the stream, or nothing more at hand after some bytes: a read returns here.
                return moved;
            }

            try
            {
                // A zero-byte receive completes when the socket has bytes (or the peer closed) and takes none.
                await socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                throw new IOException($"Unable to read data from the transport connection: {ex.Message}", ex);
            }
        }

        return moved;
    }

    public void Dispose()
    {
        _broken = true;
        _in.Dispose();
        _out.Dispose();
    }

    /// <summary>Takes what the socket has, up to <paramref name="count"/> bytes, into the pipe; 0 at the end of the stream, -1 when it has nothing yet.</summary>
    private unsafe int TakeFromSocket(Socket socket, int count)
    {
        var socketHandle = socket.SafeHandle;
        bool socketAdded = false, pipeAdded = false;
        try
        {
            socketHandle.DangerousAddRef(ref socketAdded);
            _in.DangerousAddRef(ref pipeAdded);
            while (true)
            {
                var taken = Splice((int)socketHandle.DangerousGetHandle(), null, (int)_in.DangerousGetHandle(), null, (nuint)count, SpliceMove | SpliceNonBlocking);
                if (taken >= 0)
                {
                    return (int)taken;
                }

                var errno = Marshal.GetLastPInvokeError();
                if (errno == TryAgain)
                {
                    return -1;
                }

                if (errno != Interrupted)
                {
                    var error = new SocketException((int)ErrnoToSocketError(errno));
                    throw new IOException($"Unable to read data from the transport connection: {error.Message}", error);
                }
            }
        }
        finally
        {
            if (pipeAdded)
            {
                _in.DangerousRelease();
            }

            if (socketAdded)
            {
                socketHandle.DangerousRelease();
            }
        }
    }

    /// <summary>Writes all <paramref name="count"/> bytes in the pipe into the file at <paramref name="position"/>.</summary>
    private unsafe void PutIntoFile(SafeFileHandle file, long position, int count)
    {
        bool fileAdded = false, pipeAdded = false;
        try
        {
            file.DangerousAddRef(ref fileAdded);
            _out.DangerousAddRef(ref pipeAdded);
            var offset = position;
            var left = count;
            while (left > 0)
            {
                var written = Splice((int)_out.DangerousGetHandle(), null, (int)file.DangerousGetHandle(), &offset, (nuint)left, SpliceMove);
                if (written > 0)
                {
                    left -= (int)written;
                    continue;
                }

                var errno = written == 0 ? 0 : Marshal.GetLastPInvokeError();
                if (errno == Interrupted)
                {
                    continue;
                }

                _broken = true;
                throw new SpliceWriteException(position + (count - left), errno);
            }
        }
        finally
        {
            if (pipeAdded)
            {
                _out.DangerousRelease();
            }

            if (fileAdded)
            {
                file.DangerousRelease();
            }
        }
    }

    /// <summary>The socket error for a Linux errno that splice gave on a socket (the ones a receive can give).</summary>
    private static SocketError ErrnoToSocketError(int errno) => errno switch
    {
        104 => SocketError.ConnectionReset,
        110 => SocketError.TimedOut,
        107 => SocketError.NotConnected,
        32 => SocketError.Shutdown,
        9 => SocketError.OperationAborted,
        _ => SocketError.SocketError,
    };

    [LibraryImport("libc", EntryPoint = "pipe2", SetLastError = true)]
    private static unsafe partial int Pipe2(int* descriptors, int flags);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int descriptor, int command, int argument);

    [LibraryImport("libc", EntryPoint = "splice", SetLastError = true)]
    private static unsafe partial nint Splice(int input, long* inputOffset, int output, long* outputOffset, nuint length, uint flags);
}
