using Haul.Actions;

namespace Haul.Cli.Output;

/// <summary>
/// Lines for stderr that come from anywhere, at any time (retries, failures, -v). While the live
/// view is drawn they wait for it to write them above itself; otherwise they go out at once, one
/// whole line at a time. Every line is cleaned of terminal controls first.
/// </summary>
internal sealed class TerminalLines(TextWriter error)
{
    private readonly Lock _gate = new();
    private readonly Queue<string> _waiting = new();
    private bool _held;

    public void Write(string line)
    {
        var safe = DisplayText.Safe(line);
        lock (_gate)
        {
            if (_held)
            {
                _waiting.Enqueue(safe);
                return;
            }

            error.WriteLine(safe);
        }
    }

    /// <summary>From now on lines wait for <see cref="Drain"/>: the live view owns the terminal.</summary>
    public void Hold()
    {
        lock (_gate)
        {
            _held = true;
        }
    }

    /// <summary>The lines waiting, oldest first.</summary>
    public List<string> Drain()
    {
        lock (_gate)
        {
            var lines = _waiting.ToList();
            _waiting.Clear();
            return lines;
        }
    }

    /// <summary>The live view is gone: what still waits is written, and lines go straight out again.</summary>
    public void Release()
    {
        lock (_gate)
        {
            while (_waiting.TryDequeue(out var line))
            {
                error.WriteLine(line);
            }

            _held = false;
        }
    }
}
