using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Haul.Tests.Cli;

/// <summary>The real <c>haul</c> executable as a child process, for stdin and signal tests.</summary>
public sealed partial class HaulProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _out = new();
    private readonly StringBuilder _error = new();

    private HaulProcess(Process process) => _process = process;

    public static HaulProcess Start(params string[] args) => Start(readOut: true, args);

    /// <summary>Starts haul with stdout left to the test: read it through <see cref="StandardOutput"/>, close it to play a reader that went away.</summary>
    public static HaulProcess StartWithStdoutPipe(params string[] args) => Start(readOut: false, args);

    /// <summary>
    /// Starts haul with every file it writes capped at <paramref name="fileSizeLimit"/> bytes
    /// (RLIMIT_FSIZE, through prlimit) and SIGXFSZ ignored, so that a write past the cap fails with
    /// EFBIG, as on a full disk, instead of killing the process. The runtime's double mapping of
    /// code (a memory file larger than any small cap) is turned off, or the runtime could not start.
    /// </summary>
    public static HaulProcess StartWithFileSizeLimit(long fileSizeLimit, params string[] args)
    {
        var info = StartInfo("sh");
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("trap '' XFSZ; exec prlimit --fsize=\"$0\" dotnet exec \"$@\"");
        info.ArgumentList.Add(fileSizeLimit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        info.Environment["DOTNET_EnableWriteXorExecute"] = "0";
        return Start(info, readOut: true, args);
    }

    /// <summary>Starts a native (NativeAOT) haul executable rather than the framework-dependent build beside the tests.</summary>
    public static HaulProcess StartNative(string executable, params string[] args) => Start(StartInfo(executable), readOut: true, args, dll: null);

    private static HaulProcess Start(bool readOut, string[] args)
    {
        var info = StartInfo("dotnet");
        info.ArgumentList.Add("exec");
        return Start(info, readOut, args);
    }

    private static ProcessStartInfo StartInfo(string program) => new(program)
    {
        RedirectStandardInput = true,
        RedirectStandardOutput = true,
        RedirectStandardError = true,
        UseShellExecute = false,
    };

    /// <summary>Starts <paramref name="info"/> with haul.dll (unless <paramref name="dll"/> is null) and <paramref name="args"/> appended to its arguments.</summary>
    private static HaulProcess Start(ProcessStartInfo info, bool readOut, string[] args, string? dll = "haul.dll")
    {
        if (dll is not null)
        {
            info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, dll));
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = info };
        var haul = new HaulProcess(process);
        process.OutputDataReceived += (_, e) => Append(haul._out, e.Data);
        process.ErrorDataReceived += (_, e) => Append(haul._error, e.Data);
        process.Start();
        if (readOut)
        {
            process.BeginOutputReadLine();
        }

        process.BeginErrorReadLine();
        return haul;
    }

    public StreamWriter StandardInput => _process.StandardInput;

    public StreamReader StandardOutput => _process.StandardOutput;

    public bool HasExited => _process.HasExited;

    /// <summary>The child's process id, for reading its /proc entries while it runs.</summary>
    public int Id => _process.Id;

    /// <summary>The child's peak resident memory so far in bytes (<c>VmHWM</c>), read while it runs.</summary>
    public long PeakMemoryBytes()
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line["VmHWM:".Length..].Replace("kB", string.Empty, StringComparison.Ordinal).Trim(), System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }

    public string Out
    {
        get
        {
            lock (_out)
            {
                return _out.ToString();
            }
        }
    }

    public string Error
    {
        get
        {
            lock (_error)
            {
                return _error.ToString();
            }
        }
    }

    /// <summary>Sends SIGINT, as Ctrl+C in a terminal does.</summary>
    public void Interrupt()
    {
        const int sigint = 2;
        if (Kill(_process.Id, sigint) != 0)
        {
            throw new InvalidOperationException($"kill(SIGINT) failed with errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    /// <summary>Sends SIGTERM, as a service manager stops a daemon.</summary>
    public void Terminate()
    {
        const int sigterm = 15;
        if (Kill(_process.Id, sigterm) != 0)
        {
            throw new InvalidOperationException($"kill(SIGTERM) failed with errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    /// <summary>SIGKILL: no handler runs, nothing is flushed; what is on disk is all that survives.</summary>
    public void KillHard() => _process.Kill(entireProcessTree: true);

    public async Task<int> WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    private static void Append(StringBuilder builder, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (builder)
        {
            builder.AppendLine(line);
        }
    }
}
