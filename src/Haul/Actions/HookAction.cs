using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace Haul.Actions;

/// <summary>
/// <c>--on-complete CMD</c>: runs a program on each finished file, directly (never through a
/// shell), with <c>{path}</c>, <c>{url}</c> and <c>{sha256}</c> substituted inside its arguments.
/// Succeeds when the program exits with 0.
/// </summary>
internal sealed class HookAction : IPostDownloadAction
{
    /// <summary>Enough stderr for the last line of a typical error, bounded whatever the program prints.</summary>
    private const int StderrTailChars = 400;

    /// <summary>
    /// How long to wait for the output pipes to close after the program exited: a background
    /// child it started may hold them open indefinitely, and must not hold up the action.
    /// </summary>
    private static readonly TimeSpan OutputGrace = TimeSpan.FromSeconds(5);

    private readonly IReadOnlyList<string> _template;
    private readonly TimeProvider _timeProvider;

    /// <param name="commandLine">The command as the user typed it.</param>
    /// <param name="timeProvider">Measures <see cref="OutputGrace"/>; the system clock by default.</param>
    /// <exception cref="ArgumentException">The command cannot be parsed (see <see cref="CommandTemplate.Parse"/>).</exception>
    public HookAction(string commandLine, TimeProvider? timeProvider = null)
    {
        _template = CommandTemplate.Parse(commandLine);
        if (_template[0].Length == 0)
        {
            throw new ArgumentException("The command's program name is empty.");
        }

        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    public string Name => "on-complete";

    public async Task<ActionOutcome> RunAsync(CompletedFile file, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var arguments = CommandTemplate.Expand(_template, file);
        var program = DisplayText.Clean(arguments[0]);

        using var process = new Process { StartInfo = StartInfo(arguments) };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            var reason = new Win32Exception(ex.NativeErrorCode).Message.TrimEnd('.');
            return new ActionOutcome(Name, false, $"`{program}` could not be started: {reason}.");
        }

        // The hook gets an empty stdin: Haul's own may be the URL list (-i -).
        process.StandardInput.Close();
        var stderr = new OutputTail(StderrTailChars);
        var drained = Task.WhenAll(
            new OutputTail(0).ReadToEndAsync(process.StandardOutput),
            stderr.ReadToEndAsync(process.StandardError));

        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            KillQuietly(process);
            throw;
        }

        try
        {
            await drained.WaitAsync(OutputGrace, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A descendant kept the pipes open; the exit code is what matters, and the readers end with the process object.
        }

        var exitCode = process.ExitCode;
        var lastLine = DisplayText.Clean(stderr.LastLine(), StderrTailChars);
        var message = exitCode == 0 || lastLine.Length == 0
            ? string.Create(CultureInfo.InvariantCulture, $"`{program}` exited with {exitCode}.")
            : string.Create(CultureInfo.InvariantCulture, $"`{program}` exited with {exitCode}: {lastLine}");
        return new ActionOutcome(Name, exitCode == 0, message) { ExitCode = exitCode };
    }

    private static ProcessStartInfo StartInfo(string[] arguments)
    {
        var info = new ProcessStartInfo(arguments[0])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments.AsSpan(1))
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    private static void KillQuietly(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // Already exited, or nothing more we can do; the cancellation is what the caller needs to see.
        }
    }
}
