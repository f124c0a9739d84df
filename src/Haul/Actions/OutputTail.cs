using System.Text;

namespace Haul.Actions;

/// <summary>Reads a child process's output to the end, keeping only its last characters.</summary>
internal sealed class OutputTail(int capacity)
{
    private readonly StringBuilder _text = new();

    /// <summary>
    /// Reads until the pipe closes. Not cancellable on purpose: the pipe closes when the process
    /// (tree) ends or is killed, and the caller bounds how long it waits. Never throws, so the
    /// task can be left behind safely.
    /// </summary>
    public async Task ReadToEndAsync(TextReader reader)
    {
        var buffer = new char[1024];
        try
        {
            int read;
            while ((read = await reader.ReadAsync(buffer.AsMemory(), CancellationToken.None).ConfigureAwait(false)) > 0)
            {
                lock (_text)
                {
                    _text.Append(buffer, 0, read);
                    if (_text.Length > capacity)
                    {
                        _text.Remove(0, _text.Length - capacity);
                    }
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The process was disposed while a descendant still held the pipe: what we have is enough.
        }
    }

    /// <summary>The last line that is not blank, or an empty string.</summary>
    public string LastLine()
    {
        string text;
        lock (_text)
        {
            text = _text.ToString();
        }

        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? string.Empty : lines[^1];
    }
}
