namespace Haul.Tests.Input;

/// <summary>
/// A reader that makes its text as it is read: <paramref name="count"/> copies of <paramref name="fill"/>
/// (forever when negative), then <paramref name="tail"/>. Nothing is held, so a reader that kept a
/// whole line would show it in memory, and one that never stopped would never end.
/// </summary>
internal sealed class EndlessReader(char fill, long count, string tail) : TextReader
{
    private long _given;
    private int _tailGiven;

    /// <summary>How many characters were handed out.</summary>
    public long Given => _given + _tailGiven;

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override int Read(Span<char> buffer)
    {
        if (count < 0 || _given < count)
        {
            var n = count < 0 ? buffer.Length : (int)Math.Min(buffer.Length, count - _given);
            buffer[..n].Fill(fill);
            _given += n;
            return n;
        }

        var rest = tail.AsSpan(_tailGiven);
        var m = Math.Min(rest.Length, buffer.Length);
        rest[..m].CopyTo(buffer);
        _tailGiven += m;
        return m;
    }

    public override int Peek() => throw new NotSupportedException("The list reader must scan in chunks.");

    public override string? ReadLine() => throw new NotSupportedException("The list reader must scan in chunks.");

    public override ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken) => throw new NotSupportedException("The list reader must scan in chunks.");
}
