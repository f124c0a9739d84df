using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Haul.Transfer;

/// <summary>
/// Moves body bytes from a connection's socket into a file without copying them through the
/// receiving thread: splice(2) hands the socket's received pages to a pipe, and a second splice
/// writes them at their place in the file. One copy (into the page cache) instead of two (into a
/// buffer, then into the page cache). Linux only.
/// </summary>
/// <remarks>
/// A pipe is only ever in use between the two splices of one step, with no wait in between, so
/// the process needs as many pipes as threads moving bytes at one moment, not one per
/// connection: idle pipes wait in a small pool (each counts against the user's pipe quota,
/// <c>pipe-user-pages-soft</c>). A pipe is empty whenever it is back in the pool; one whose
/// state is unknown after a failure is closed instead.
/// </remarks>
internal sealed partial class SplicePipe : IDisposable
{
    /// <summary>What one pipe asks to hold: as much as one large receive buffer, so a step is one splice each way.</summary>
    internal const int WantedCapacity = ResumableTransfer.LargeReceiveBuffer;

    private const int CloseOnExec = 0x80000;
    private const int SetPipeSize = 1031;
    private const int GetPipeSize = 1032;
    private const uint SpliceMove = 1;
    private const uint SpliceNonBlocking = 2;
    private const int Interrupted = 4;
    private const int TryAgain = 11;

    /// <summary>What <see cref="TakeFromSocket"/> returns when this socket cannot be spliced from at all.</summary>
    private const int CannotSplice = -2;

    /// <summary>Idle pipes kept for the next step; more are closed when they come back.</summary>
    private static readonly int MaxIdle = Math.Clamp(2 * Environment.ProcessorCount, 4, 8);

    private static readonly ConcurrentStack<SplicePipe> Idle = new();

    private readonly SafeFileHandle _out;
    private readonly SafeFileHandle _in;
    private readonly int _capacity;

    private SplicePipe(SafeFileHandle output, SafeFileHandle input, int capacity)
    {
        _out = output;
        _in = input;
        _capacity = capacity;
    }

    /// <summary>Whether this system can move socket bytes into files (Linux).</summary>
    public static bool IsSupported => OperatingSystem.IsLinux();

    /// <summary>
    /// Reads up to <paramref name="count"/> bytes of a body from <paramref name="socket"/> for
    /// <paramref name="target"/>, its span from <paramref name="start"/>: moved into the target's
    /// file when it can (<see cref="FileBoundMemory.Moved"/> then counts them), else received
    /// into the span like any read. Waits (without a thread) until the socket has some; returns
    /// as soon as some bytes came and the socket has no more at hand, 0 when the peer closed.
    /// </summary>
    /// <remarks>
    /// When the file refuses bytes already taken from the socket (a file system that cannot take
    /// a splice, a full disk), nothing is lost: what the step took is read out of the pipe, what
    /// earlier steps of this read moved is read back from the file, all of it lands in the span,
    /// and the read returns as an ordinary one (the caller's own write then meets the disk's
    /// error, if it lasts). <see cref="FileBoundMemory.MoveRefused"/> tells the caller to stop offering.
    /// </remarks>
    /// <exception cref="IOException">The socket failed (the inner exception is its <see cref="SocketException"/>), before any byte of this read came.</exception>
    public static async ValueTask<int> ReceiveAsync(Socket socket, FileBoundMemory target, int start, int count, CancellationToken cancellationToken)
    {
        var position = target.Position + start;
        var moved = 0;
        while (moved < count)
        {
            if (Rent() is not { } pipe)
            {
                // No pipe to be had (no descriptors left): an ordinary receive.
                return moved > 0 ? Moved(target, moved) : await ReceiveIntoSpanAsync(socket, target.Memory.Slice(start, count), cancellationToken).ConfigureAwait(false);
            }

            int taken;
            try
            {
                taken = pipe.TakeFromSocket(socket, Math.Min(count - moved, pipe._capacity));
            }
            catch (Exception) when (moved > 0)
            {
                // Report what came; the next read meets the failure again.
                pipe.Dispose();
                return Moved(target, moved);
            }
            catch
            {
                pipe.Dispose();
                throw;
            }

            if (taken > 0)
            {
                int written;
                try
                {
                    written = pipe.PutIntoFile(target.File, position + moved, taken);
                }
                catch
                {
                    pipe.Dispose();
                    throw;
                }

                if (written < taken)
                {
                    return LandInSpan(pipe, target, start, moved + written, taken - written);
                }

                Return(pipe);
                moved += taken;
                continue;
            }

            Return(pipe);
            if (taken == CannotSplice)
            {
                // Splicing from sockets is refused here (a sandbox's system-call filter, an old
                // kernel): this read is an ordinary receive, and the reader stops offering.
                target.NoteMoveRefused();
                return moved > 0 ? Moved(target, moved) : await ReceiveIntoSpanAsync(socket, target.Memory.Slice(start, count), cancellationToken).ConfigureAwait(false);
            }

            if (taken == 0 || moved > 0)
            {
                // The end of the stream, or nothing more at hand after some bytes: a read returns here.
                return Moved(target, moved);
            }

            try
            {
                // A zero-byte receive completes when the socket has bytes (or the peer closed) and takes none.
                await socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                throw ReadFailure(ex);
            }
        }

        return Moved(target, moved);
    }

    public void Dispose()
    {
        _in.Dispose();
        _out.Dispose();
    }

    private static int Moved(FileBoundMemory target, int moved)
    {
        target.NoteMoved(moved);
        return moved;
    }

    private static async ValueTask<int> ReceiveIntoSpanAsync(Socket socket, Memory<byte> into, CancellationToken cancellationToken)
    {
        try
        {
            return await socket.ReceiveAsync(into, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            throw ReadFailure(ex);
        }
    }

    /// <summary>
    /// The file took only the first <paramref name="inFile"/> bytes of this read: they are read
    /// back into the span, the <paramref name="inPipe"/> bytes still in the pipe are read out
    /// after them, and the read is reported as one into the span.
    /// </summary>
    private static int LandInSpan(SplicePipe pipe, FileBoundMemory target, int start, int inFile, int inPipe)
    {
        var span = target.GetSpan().Slice(start, inFile + inPipe);
        try
        {
            pipe.ReadOut(span[inFile..]);
            Return(pipe);
        }
        catch
        {
            pipe.Dispose();
            throw;
        }

        var position = target.Position + start;
        for (var done = 0; done < inFile;)
        {
            var read = RandomAccess.Read(target.File, span[done..inFile], position + done);
            if (read == 0)
            {
                throw new IOException($"the file ended at offset {position + done}, before the bytes just written there");
            }

            done += read;
        }

        target.NoteMoveRefused();
        return span.Length;
    }

    private static SplicePipe? Rent() => Idle.TryPop(out var pipe) ? pipe : TryCreate();

    private static void Return(SplicePipe pipe)
    {
        if (Idle.Count < MaxIdle)
        {
            Idle.Push(pipe);
        }
        else
        {
            pipe.Dispose();
        }
    }

    /// <summary>A new pipe, or null when none can be made (no descriptors left).</summary>
    private static unsafe SplicePipe? TryCreate()
    {
        int* fds = stackalloc int[2];
        if (Pipe2(fds, CloseOnExec) != 0)
        {
            return null;
        }

        // A larger pipe is only fewer system calls; past the user's quota the kernel refuses it and the default (64 KiB) serves.
        _ = Fcntl(fds[1], SetPipeSize, WantedCapacity);
        var capacity = Fcntl(fds[1], GetPipeSize, 0);
        return new SplicePipe(new SafeFileHandle(fds[0], ownsHandle: true), new SafeFileHandle(fds[1], ownsHandle: true), capacity > 0 ? capacity : 64 * 1024);
    }

    private static IOException ReadFailure(SocketException error) =>
        new($"Unable to read data from the transport connection: {error.Message}", error);

    /// <summary>
    /// Takes what the socket has, up to <paramref name="count"/> bytes, into the pipe; 0 at the end
    /// of the stream, -1 when it has nothing yet, <see cref="CannotSplice"/> when splice(2) is not
    /// allowed on it (EINVAL, ENOSYS, EPERM, EOPNOTSUPP: no socket error a receive could give).
    /// </summary>
    private unsafe int TakeFromSocket(Socket socket, int count)
    {
        var socketHandle = socket.SafeHandle;
        bool socketAdded = false, pipeAdded = false;
        try
        {
            try
            {
                socketHandle.DangerousAddRef(ref socketAdded);
            }
            catch (ObjectDisposedException ex)
            {
                throw ReadFailure(new SocketException((int)SocketError.OperationAborted), ex);
            }

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

                if (errno is 1 or 22 or 38 or 95)
                {
                    return CannotSplice;
                }

                if (errno != Interrupted)
                {
                    throw ReadFailure(new SocketException((int)SocketErrorOf(errno)));
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

    private static IOException ReadFailure(SocketException error, Exception cause) =>
        new($"Unable to read data from the transport connection: {error.Message}", cause);

    /// <summary>Writes the <paramref name="count"/> bytes in the pipe into the file at <paramref name="position"/>; returns how many it took before it refused more.</summary>
    private unsafe int PutIntoFile(SafeFileHandle file, long position, int count)
    {
        bool fileAdded = false, pipeAdded = false;
        try
        {
            file.DangerousAddRef(ref fileAdded);
            _out.DangerousAddRef(ref pipeAdded);
            var offset = position;
            var written = 0;
            while (written < count)
            {
                var step = Splice((int)_out.DangerousGetHandle(), null, (int)file.DangerousGetHandle(), &offset, (nuint)(count - written), SpliceMove);
                if (step > 0)
                {
                    written += (int)step;
                }
                else if (step == 0 || Marshal.GetLastPInvokeError() != Interrupted)
                {
                    break;
                }
            }

            return written;
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

    /// <summary>Reads exactly <c>into.Length</c> bytes out of the pipe (they are there: the socket put them in).</summary>
    private unsafe void ReadOut(Span<byte> into)
    {
        bool added = false;
        try
        {
            _out.DangerousAddRef(ref added);
            fixed (byte* start = into)
            {
                for (var done = 0; done < into.Length;)
                {
                    var read = Read((int)_out.DangerousGetHandle(), start + done, (nuint)(into.Length - done));
                    if (read > 0)
                    {
                        done += (int)read;
                    }
                    else if (read == 0 || Marshal.GetLastPInvokeError() != Interrupted)
                    {
                        throw new IOException("the bytes taken from the connection could not be read back out of the pipe");
                    }
                }
            }
        }
        finally
        {
            if (added)
            {
                _out.DangerousRelease();
            }
        }
    }

    /// <summary>The socket error for a Linux errno that splice gave on a socket (the ones a receive can give).</summary>
    private static SocketError SocketErrorOf(int errno) => errno switch
    {
        9 => SocketError.OperationAborted,
        32 => SocketError.Shutdown,
        101 => SocketError.NetworkUnreachable,
        103 => SocketError.ConnectionAborted,
        104 => SocketError.ConnectionReset,
        107 => SocketError.NotConnected,
        110 => SocketError.TimedOut,
        113 => SocketError.HostUnreachable,
        _ => SocketError.SocketError,
    };

    [LibraryImport("libc", EntryPoint = "pipe2", SetLastError = true)]
    private static unsafe partial int Pipe2(int* descriptors, int flags);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int descriptor, int command, int argument);

    [LibraryImport("libc", EntryPoint = "splice", SetLastError = true)]
    private static unsafe partial nint Splice(int input, long* inputOffset, int output, long* outputOffset, nuint length, uint flags);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static unsafe partial nint Read(int descriptor, byte* buffer, nuint count);
}
