using Haul.Checksums;
using Haul.Input;
using Shouldly;
using Xunit;

namespace Haul.Tests.Input;

public sealed class UrlListReaderTests
{
    private const string Sha256OfAbc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    private const string Sha1OfAbc = "a9993e364706816aba3e25717850c26c9cd0d89d";
    private const string Md5OfAbc = "900150983cd24fb0d6963f7d28e17f72";

    [Fact]
    public async Task ReadAsync_UrlLines_OneRequestEachWithLineNumber()
    {
        var requests = await ReadAllAsync("http://example.org/a.jpg\nhttps://example.org/b.jpg\nhttp://example.com/c\n");

        requests.Select(r => r.Url).ShouldBe(["http://example.org/a.jpg", "https://example.org/b.jpg", "http://example.com/c"]);
        requests.Select(r => r.Line).ShouldBe([1, 2, 3]);
        requests.ShouldAllBe(r => r.InputError == null && r.OutName == null && r.Directory == null && r.Checksum == null);
    }

    [Fact]
    public async Task ReadAsync_EmptyInput_NoRequests()
    {
        (await ReadAllAsync(string.Empty)).ShouldBeEmpty();
    }

    [Fact]
    public async Task ReadAsync_LastLineWithoutNewline_Read()
    {
        var requests = await ReadAllAsync("http://example.org/a\nhttp://example.org/b");

        requests.Select(r => r.Url).ShouldBe(["http://example.org/a", "http://example.org/b"]);
    }

    [Fact]
    public async Task ReadAsync_IndentedOptions_AppliedToPrecedingUrl()
    {
        var requests = await ReadAllAsync(
            $"http://example.org/a.jpg\n  out=cat.jpg\n\tdir=pets/cats\n   checksum=sha-256={Sha256OfAbc}\nhttp://example.org/b.jpg\n");

        requests.Count.ShouldBe(2);
        var first = requests[0];
        first.OutName.ShouldBe("cat.jpg");
        first.Directory.ShouldBe("pets/cats");
        first.Checksum.ShouldBe(new Checksum(ChecksumAlgorithm.Sha256, Sha256OfAbc));
        first.InputError.ShouldBeNull();
        first.Line.ShouldBe(1);
        requests[1].OutName.ShouldBeNull();
        requests[1].Checksum.ShouldBeNull();
        requests[1].Line.ShouldBe(5);
    }

    [Fact]
    public async Task ReadAsync_OptionKeyInUpperCase_Applied()
    {
        var requests = await ReadAllAsync("http://example.org/a\n  OUT = b.jpg\n");

        requests.Single().OutName.ShouldBe("b.jpg");
    }

    [Fact]
    public async Task ReadAsync_OptionValueWithEquals_KeptWhole()
    {
        var requests = await ReadAllAsync("http://example.org/a\n  out=a=b.jpg\n");

        requests.Single().OutName.ShouldBe("a=b.jpg");
    }

    [Fact]
    public async Task ReadAsync_ChecksumWrongLength_InputError()
    {
        var requests = await ReadAllAsync($"http://example.org/a\n  checksum=sha-256={Sha256OfAbc[..63]}\n");

        var request = requests.Single();
        request.Checksum.ShouldBeNull();
        request.InputError.ShouldNotBeNull();
        request.InputError.ShouldContain("64 hex digits");
    }

    [Fact]
    public async Task ReadAsync_ChecksumUnknownAlgorithm_InputError()
    {
        var requests = await ReadAllAsync($"http://example.org/a\n  checksum=sha-512={Sha256OfAbc}{Sha256OfAbc}\n");

        var request = requests.Single();
        request.Checksum.ShouldBeNull();
        request.InputError.ShouldNotBeNull();
        request.InputError.ShouldContain("unknown checksum algorithm");
    }

    [Fact]
    public async Task ReadAsync_UnknownOption_InputErrorNamingOptionAndLine()
    {
        var requests = await ReadAllAsync("# list\nhttp://example.org/a\n  speed=fast\nhttp://example.org/b\n");

        requests.Count.ShouldBe(2);
        var error = requests[0].InputError;
        error.ShouldNotBeNull();
        error.ShouldContain("speed=fast");
        error.ShouldContain("line 3");
        requests[1].InputError.ShouldBeNull();
    }

    [Theory]
    [InlineData("max-download-limit=500K", 500 * 1024)]
    [InlineData("max-download-limit=2M", 2 * 1024 * 1024)]
    [InlineData("max-download-limit=12345", 12345)]
    public void ApplyOption_MaxDownloadLimit_SetsTheRate(string option, long bytesPerSecond)
    {
        var request = UrlListReader.ApplyOption(new DownloadRequest("http://127.0.0.1/a"), option, 2);

        request.InputError.ShouldBeNull();
        request.RateLimit.ShouldBe(bytesPerSecond);
    }

    [Theory]
    [InlineData("  max-download-limit=")]
    [InlineData("  max-download-limit=fast")]
    [InlineData("  max-download-limit=-5K")]
    [InlineData("  out")]
    [InlineData("  out=")]
    [InlineData("  dir=   ")]
    [InlineData("  =x")]
    public void ApplyOption_EmptyOrMalformed_InputError(string option)
    {
        var request = UrlListReader.ApplyOption(new DownloadRequest("http://example.org/a"), option.Trim(), 2);

        request.InputError.ShouldNotBeNull();
        request.OutName.ShouldBeNull();
        request.Directory.ShouldBeNull();
    }

    [Fact]
    public async Task ReadAsync_OptionsAfterInputError_Ignored()
    {
        var requests = await ReadAllAsync("http://example.org/a\n  bogus=1\n  out=x.jpg\n  checksum=md5=zz\n");

        var request = requests.Single();
        request.InputError.ShouldNotBeNull();
        request.InputError.ShouldContain("bogus=1");
        request.OutName.ShouldBeNull();
    }

    [Fact]
    public async Task ReadAsync_CommentsAndBlankLines_SkippedWithLineNumbersKept()
    {
        var requests = await ReadAllAsync(
            "# images\n\nhttp://example.org/a\n  # a note under the URL\n\n   \n\t\nhttp://example.org/b\n  out=b.jpg\n#http://example.org/commented\n");

        requests.Select(r => r.Url).ShouldBe(["http://example.org/a", "http://example.org/b"]);
        requests.Select(r => r.Line).ShouldBe([3, 8]);
        requests[0].InputError.ShouldBeNull();
        requests[1].OutName.ShouldBe("b.jpg");
    }

    [Fact]
    public async Task ReadAsync_OptionBeforeAnyUrl_Ignored()
    {
        var requests = await ReadAllAsync("  out=orphan.jpg\n  bogus=1\nhttp://example.org/a\n");

        var request = requests.Single();
        request.Url.ShouldBe("http://example.org/a");
        request.Line.ShouldBe(3);
        request.OutName.ShouldBeNull();
        request.InputError.ShouldBeNull();
    }

    [Fact]
    public async Task ReadAsync_CrlfLineEndings_Stripped()
    {
        var requests = await ReadAllAsync($"http://example.org/a\r\n  out=a.jpg\r\n  checksum=md5={Md5OfAbc}\r\n\r\nhttp://example.org/b\r\n");

        requests.Select(r => r.Url).ShouldBe(["http://example.org/a", "http://example.org/b"]);
        requests[0].OutName.ShouldBe("a.jpg");
        requests[0].Checksum.ShouldBe(new Checksum(ChecksumAlgorithm.Md5, Md5OfAbc));
        requests.Select(r => r.Line).ShouldBe([1, 5]);
    }

    [Fact]
    public async Task ReadAsync_LineThatIsNotAUrl_YieldedWithLineForLaterValidation()
    {
        var requests = await ReadAllAsync("http://example.org/a\nnot a url\n");

        requests[1].Url.ShouldBe("not a url");
        requests[1].Line.ShouldBe(2);
    }

    [Fact]
    public async Task ReadAsync_LargeInput_FirstRequestAfterBoundedReads()
    {
        using var reader = new GeneratedUrlList(entries: 100_000);
        await using var requests = UrlListReader.ReadAsync(reader, TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);

        (await requests.MoveNextAsync()).ShouldBeTrue();

        requests.Current.Url.ShouldBe("http://example.org/0.bin");
        requests.Current.OutName.ShouldBe("file0.bin");
        // A URL is complete once the next URL line is seen: three lines, and nowhere near 200,000.
        reader.LinesRead.ShouldBeLessThanOrEqualTo(3);

        (await requests.MoveNextAsync()).ShouldBeTrue();

        requests.Current.Url.ShouldBe("http://example.org/1.bin");
        reader.LinesRead.ShouldBeLessThanOrEqualTo(5);
    }

    [Fact]
    public async Task ReadAsync_LargeInput_AllRequestsStreamed()
    {
        using var reader = new GeneratedUrlList(entries: 100_000);
        var count = 0;
        DownloadRequest? last = null;

        await foreach (var request in UrlListReader.ReadAsync(reader, TestContext.Current.CancellationToken))
        {
            // Each request arrives while the reader is at most one entry ahead of it.
            reader.LinesRead.ShouldBeLessThanOrEqualTo((2 * count) + 3);
            count++;
            last = request;
        }

        count.ShouldBe(100_000);
        last.ShouldNotBeNull();
        last.Url.ShouldBe("http://example.org/99999.bin");
        last.OutName.ShouldBe("file99999.bin");
        last.Line.ShouldBe(199_999);
        reader.LinesRead.ShouldBe(200_000);
    }

    [Fact]
    public async Task ReadAsync_CancelledToken_ThrowsOperationCanceled()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in UrlListReader.ReadAsync(new StringReader("http://example.org/a\n"), cts.Token))
            {
            }
        });
    }

    [Fact]
    public async Task ReadAsync_NullReader_Throws()
    {
        await Should.ThrowAsync<ArgumentNullException>(async () =>
        {
            await foreach (var _ in UrlListReader.ReadAsync(null!, TestContext.Current.CancellationToken))
            {
            }
        });
    }

    [Theory]
    [InlineData("sha-256=" + Sha256OfAbc, ChecksumAlgorithm.Sha256)]
    [InlineData("sha256=" + Sha256OfAbc, ChecksumAlgorithm.Sha256)]
    [InlineData("SHA-256=" + Sha256OfAbc, ChecksumAlgorithm.Sha256)]
    [InlineData("sha-1=" + Sha1OfAbc, ChecksumAlgorithm.Sha1)]
    [InlineData("sha1=" + Sha1OfAbc, ChecksumAlgorithm.Sha1)]
    [InlineData("md5=" + Md5OfAbc, ChecksumAlgorithm.Md5)]
    [InlineData("MD5=" + Md5OfAbc, ChecksumAlgorithm.Md5)]
    [InlineData(" sha-256 = " + Sha256OfAbc + " ", ChecksumAlgorithm.Sha256)]
    public void TryParse_ValidLowerCaseHex_Parsed(string text, ChecksumAlgorithm algorithm)
    {
        Checksum.TryParse(text, out var checksum, out var error).ShouldBeTrue();

        checksum.ShouldNotBeNull();
        checksum.Algorithm.ShouldBe(algorithm);
        checksum.Hex.ShouldBe(HexOf(algorithm));
        error.ShouldBeNull();
    }

    [Theory]
    [InlineData(ChecksumAlgorithm.Sha256, "sha-256")]
    [InlineData(ChecksumAlgorithm.Sha1, "sha-1")]
    [InlineData(ChecksumAlgorithm.Md5, "md5")]
    public void TryParse_UpperCaseHex_StoredLowerCase(ChecksumAlgorithm algorithm, string name)
    {
        Checksum.TryParse($"{name}={HexOf(algorithm).ToUpperInvariant()}", out var checksum, out _).ShouldBeTrue();

        checksum.ShouldNotBeNull();
        checksum.Hex.ShouldBe(HexOf(algorithm));
        checksum.AlgorithmName.ShouldBe(name);
        checksum.ToString().ShouldBe($"{name}={HexOf(algorithm)}");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("sha-256")]
    [InlineData(Sha256OfAbc)]
    [InlineData("=" + Sha256OfAbc)]
    [InlineData("sha-256=")]
    [InlineData("sha-256=abc")]
    [InlineData("sha-256=" + Sha1OfAbc)]
    [InlineData("sha-256=" + Sha256OfAbc + "0")]
    [InlineData("sha-256=ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ag")]
    [InlineData("sha-256=0xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015")]
    [InlineData("sha-1=" + Sha256OfAbc)]
    [InlineData("md5=" + Sha1OfAbc)]
    [InlineData("md5=900150983cd24fb0 6963f7d28e17f72")]
    [InlineData("sha-512=" + Sha256OfAbc + Sha256OfAbc)]
    [InlineData("crc32=deadbeef")]
    [InlineData("sha_256=" + Sha256OfAbc)]
    public void TryParse_BadInput_FalseWithError(string? text)
    {
        Checksum.TryParse(text, out var checksum, out var error).ShouldBeFalse();

        checksum.ShouldBeNull();
        error.ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public void TryParse_NonAsciiHexDigits_Rejected()
    {
        // Full-width digits are Unicode digits, but never digits of a digest.
        var text = "md5=" + new string('\uFF11', 32);

        Checksum.TryParse(text, out _, out var error).ShouldBeFalse();
        error.ShouldNotBeNull();
        error.ShouldContain("32 hex digits");
    }

    private static string HexOf(ChecksumAlgorithm algorithm) => algorithm switch
    {
        ChecksumAlgorithm.Sha256 => Sha256OfAbc,
        ChecksumAlgorithm.Sha1 => Sha1OfAbc,
        _ => Md5OfAbc,
    };

    private static async Task<List<DownloadRequest>> ReadAllAsync(string text)
    {
        var requests = new List<DownloadRequest>();
        await foreach (var request in UrlListReader.ReadAsync(new StringReader(text), TestContext.Current.CancellationToken))
        {
            requests.Add(request);
        }

        return requests;
    }

    /// <summary>
    /// An input of <c>entries</c> URLs, each followed by an indented <c>out=</c> line, made up one
    /// line at a time as it is read (one line at most per read), so the test can see how far ahead
    /// the reader has pulled.
    /// </summary>
    private sealed class GeneratedUrlList(int entries) : TextReader
    {
        private string _current = string.Empty;
        private int _offset;

        public int LinesRead { get; private set; }

        public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

        public override int Read(Span<char> buffer)
        {
            if (_offset == _current.Length)
            {
                if (LinesRead >= entries * 2)
                {
                    return 0;
                }

                var entry = LinesRead / 2;
                _current = (LinesRead % 2 == 0 ? $"http://example.org/{entry}.bin" : $"  out=file{entry}.bin") + "\n";
                _offset = 0;
                LinesRead++;
            }

            var n = Math.Min(buffer.Length, _current.Length - _offset);
            _current.AsSpan(_offset, n).CopyTo(buffer);
            _offset += n;
            return n;
        }
    }
}
