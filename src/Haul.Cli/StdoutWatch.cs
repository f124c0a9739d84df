using System.Runtime.InteropServices;

namespace Haul.Cli;

/// <summary>
/// Notices when the reader of stdout goes away (<c>haul get --json … | head -1</c>). .NET ignores
/// SIGPIPE and its console drops writes that fail with EPIPE, so without this a run would go on
/// downloading for nobody, and a run with nothing to write would never find out at all.
/// </summary>
internal static partial class StdoutWatch
{
    private const short PollErr = 0x008;
    private const short PollHup = 0x010;
    private const short PollNval = 0x020;

    /// <summary>A token cancelled once stdout is a pipe whose read end has closed; never cancelled for a terminal or a file.</summary>
    public static CancellationToken ClosedToken()
    {
        if (!OperatingSystem.IsLinux() || !IsPipe())
        {
            return CancellationToken.None;
        }

        var closed = new CancellationTokenSource();

        // poll(2) reports POLLERR on a pipe's write end once no reader is left, whatever events are
        // asked for, so one thread can wait for it without writing anything. It is a background
        // thread: it never keeps the process alive.
        var watcher = new Thread(() =>
        {
            var descriptor = new PollDescriptor { Descriptor = 1 };
            while (true)
            {
                var ready = Poll(ref descriptor, 1, -1);
                if (ready < 0 && Marshal.GetLastPInvokeError() == 4)
                {
                    continue; // EINTR: a signal (Ctrl+C) arrived; keep waiting.
                }

                if (ready < 0 || (descriptor.ReturnedEvents & (PollErr | PollHup | PollNval)) != 0)
                {
                    closed.Cancel();
                    return;
                }
            }
        })
        {
            IsBackground = true,
            Name = "haul stdout watch",
        };
        watcher.Start();
        return closed.Token;
    }

    private static bool IsPipe()
    {
        try
        {
            return new FileInfo("/proc/self/fd/1").LinkTarget is { } target && target.StartsWith("pipe:", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int Poll(ref PollDescriptor descriptors, nuint count, int timeout);

    [StructLayout(LayoutKind.Sequential)]
    private struct PollDescriptor
    {
        public int Descriptor;
        public short Events;
        public short ReturnedEvents;
    }
}
