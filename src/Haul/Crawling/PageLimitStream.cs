using System.Text;

namespace Haul.Crawling;

/// <summary>
/// A page body as the HTML parser reads it: cut at <see cref="MaxPageBytes"/> and passed through a
/// <see cref="PageNestingLimiter"/>, so that the parser's work is linear in what it gets and bounded
/// per page. A UTF-16 page (by its byte order mark or the declared charset) is transcoded to UTF-8
/// first, with a UTF-8 mark that the parser honours over any declaration.
/// The body itself is the caller's to dispose.
/// </summary>
internal sealed class PageLimitStream : Stream
{
    /// <summary>
    /// 8 MiB: several times the largest real gallery pages (a 20,000-picture index is about 2-3 MB),
    /// and with the depth limit a page this size parses in a few seconds. The rest of a bigger page is
    /// not read: its pictures and links are lost, the crawl goes on.
    /// </summary>
    public const long MaxPageBytes = 8L * 1024 * 1024;

    private const int ChunkBytes = 4 * 1024;

    private readonly PageNestingLimiter _limiter = new();
    private readonly byte[] _in = new byte[ChunkBytes];
    private readonly byte[] _out = new byte[PageNestingLimiter.OutputRoom(ChunkBytes)];
    private Stream _inner;
    private readonly Encoding? _declared;
    private byte[] _head = [];
    private bool _started;
    private long _read;
    private int _outStart;
    private int _outEnd;

    /// <param name="inner">The body as served.</param>
    /// <param name="declared">The charset the reply declared, if any; only a UTF-16 or UTF-32 one changes anything here.</param>
    public PageLimitStream(Stream inner, Encoding? declared)
    {
        _inner = inner;
        _declared = declared is UnicodeEncoding or UTF32Encoding ? declared : null;
    }

    /// <summary>True when the page was longer than <see cref="MaxPageBytes"/> and its end was not read.</summary>
    public bool Truncated { get; private set; }

    /// <summary>The start tags put beside the deepest element, past <see cref="PageNestingLimiter.MaxDepth"/>.</summary>
    public long FlattenedTags => _limiter.Flattened;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!_started)
        {
            _started = true;
            await StartAsync(cancellationToken).ConfigureAwait(false);
        }

        while (_outStart == _outEnd)
        {
            var room = (int)Math.Min(ChunkBytes, MaxPageBytes - _read);
            if (room == 0)
            {
                Truncated = await PeekMoreAsync(cancellationToken).ConfigureAwait(false);
                return 0;
            }

            int n;
            if (_head.Length > 0)
            {
                n = _head.Length;
                _head.CopyTo(_in, 0);
                _head = [];
            }
            else
            {
                n = await _inner.ReadAsync(_in.AsMemory(0, room), cancellationToken).ConfigureAwait(false);
            }

            if (n == 0)
            {
                return 0;
            }

            _read += n;
            _outStart = 0;
            _outEnd = _limiter.Filter(_in.AsSpan(0, n), _out);
        }

        var given = Math.Min(buffer.Length, _outEnd - _outStart);
        _out.AsSpan(_outStart, given).CopyTo(buffer.Span);
        _outStart += given;
        return given;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>Looks at the byte order mark; a UTF-16 or UTF-32 page is read (within the limit) and turned into UTF-8.</summary>
    private async Task StartAsync(CancellationToken cancellationToken)
    {
        var head = new byte[4];
        var got = 0;
        while (got < head.Length && await _inner.ReadAsync(head.AsMemory(got), cancellationToken).ConfigureAwait(false) is var n and > 0)
        {
            got += n;
        }

        var mark = head.AsSpan(0, got);
        Encoding? wide = mark.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0, 0]) ? new UTF32Encoding(bigEndian: false, byteOrderMark: false)
            : mark.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) ? new UnicodeEncoding(bigEndian: false, byteOrderMark: false)
            : mark.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) ? new UnicodeEncoding(bigEndian: true, byteOrderMark: false)
            : mark.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? null
            : _declared;
        if (wide is null)
        {
            _head = mark.ToArray();
            return;
        }

        var body = new MemoryStream();
        body.Write(mark);

        // Rare and bounded: the page is held once as text to be re-encoded.
        var limit = MaxPageBytes;
        await CopyAtMostAsync(_inner, body, limit - got, cancellationToken).ConfigureAwait(false);
        Truncated = body.Length >= limit && await PeekMoreAsync(cancellationToken).ConfigureAwait(false);
        var text = wide.GetString(body.GetBuffer(), 0, (int)body.Length).TrimStart('\uFEFF');
        _inner = new MemoryStream([.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes(text)]);
    }

    private async Task<bool> PeekMoreAsync(CancellationToken cancellationToken) =>
        await _inner.ReadAsync(new byte[1], cancellationToken).ConfigureAwait(false) > 0;

    private static async Task CopyAtMostAsync(Stream from, Stream to, long count, CancellationToken cancellationToken)
    {
        var buffer = new byte[ChunkBytes];
        while (count > 0 && await from.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count)), cancellationToken).ConfigureAwait(false) is var n and > 0)
        {
            await to.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
            count -= n;
        }
    }
}
