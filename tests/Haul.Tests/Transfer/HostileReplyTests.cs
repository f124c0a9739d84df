using System.Collections.Concurrent;
using System.Text;
using Haul.Errors;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Transfer;

/// <summary>
/// Many hostile replies in one run, drawn from a fixed seed: bad lengths, cut chunks, garbage status
/// lines, wrong ranges to a resume, drops mid-body, lying lengths. Whatever the server does, an
/// <c>ok</c> has exactly the body the server meant on disk, and every failure carries a kind.
/// </summary>
public sealed class HostileReplyTests
{
    private const int Seed = 20261129;
    private const int Cases = 1200;

    private enum Shape
    {
        Plain,
        Chunked,
        ReadToClose,
        LongerLength,
        ExtraAfterLength,
        DropMidBody,
        CutChunk,
        BadChunkSize,
        NoLastChunk,
        BadLength,
        ConflictingLengths,
        GarbageStatus,
        OddVersion,
        UnknownCoding,
        UnaskedPartial,
        ResumeRightRange,
        ResumeWrongStart,
        ResumeWrongTotal,
        ResumeFullReply,
    }

    private static readonly HashSet<Shape> Refused =
        [Shape.BadChunkSize, Shape.BadLength, Shape.ConflictingLengths, Shape.GarbageStatus, Shape.OddVersion, Shape.UnknownCoding];

    [Fact]
    public async Task Download_ThousandHostileReplies_NeverAWrongOkAndEveryFailureHasAKind()
    {
        var random = new Random(Seed);
        var shapes = Enum.GetValues<Shape>();
        var plans = Enumerable.Range(0, Cases).Select(i =>
        {
            var shape = shapes[random.Next(shapes.Length)];
            var body = new byte[random.Next(2, 3000)];
            random.NextBytes(body);
            return (Shape: shape, Body: body, Noise: random.Next());
        }).ToArray();
        var hits = new ConcurrentDictionary<int, int>();

        await using var server = RawLoopbackServer.Start(request =>
        {
            var index = int.Parse(request.Target.AsSpan(2, request.Target.Length - 6), System.Globalization.CultureInfo.InvariantCulture);
            var hit = hits.AddOrUpdate(index, 1, (_, n) => n + 1);
            return Reply(plans[index], hit, request.Header("Range"));
        });
        using var temp = new TempDirectory();
        var options = DownloaderHarness.Options(temp.Out) with
        {
            Retries = 1,
            RetryBaseDelay = TimeSpan.FromMilliseconds(1),
            RetryMaxDelay = TimeSpan.FromMilliseconds(2),
            IdleTimeout = TimeSpan.FromSeconds(20),
            MaxConcurrent = 32,
            MaxPerHost = 32,
            UseJournal = false,
        };

        var requests = plans.Select((_, i) => new DownloadRequest(server.Url($"/c{i:D4}.bin")) { OutName = $"c{i:D4}.bin" }).ToArray();
        var results = await DownloaderHarness.RunAsync(options, requests);

        results.Count.ShouldBe(Cases, $"seed {Seed}");
        var shapesSeen = new HashSet<(Shape, DownloadStatus)>();
        foreach (var result in results)
        {
            var index = int.Parse(result.Request.OutName!.AsSpan(1, 4), System.Globalization.CultureInfo.InvariantCulture);
            var plan = plans[index];
            var what = $"seed {Seed}, case {index} ({plan.Shape}, {plan.Body.Length} bytes): {result.Status} {result.Error?.Kind} {result.Error?.Message}";
            shapesSeen.Add((plan.Shape, result.Status));
            if (result.Status == DownloadStatus.Ok)
            {
                TestData.FileSha256(result.Path!).ShouldBe(TestData.Sha256(plan.Body), what);
                result.Sha256.ShouldBe(TestData.Sha256(plan.Body), what);
            }
            else
            {
                result.Status.ShouldBe(DownloadStatus.Failed, what);
                var error = result.Error.ShouldNotBeNull(what);
                Enum.IsDefined(error.Kind).ShouldBeTrue(what);
                error.Message.ShouldNotContain("unexpectedly", Case.Insensitive, what);
                error.Message.ShouldNotContain("System.", Case.Sensitive, what);
                File.Exists(Path.Combine(temp.Out, $"c{index:D4}.bin")).ShouldBeFalse(what);
            }

            if (Refused.Contains(plan.Shape))
            {
                // A reply that breaks HTTP by itself fails at once: the same request would get the same reply.
                result.Status.ShouldBe(DownloadStatus.Failed, what);
                result.Error.ShouldNotBeNull(what).Kind.ShouldBe(ErrorKind.Protocol, what);
                result.Attempts.ShouldBe(1, what);
                hits[index].ShouldBe(1, what);
            }
        }

        // The well-formed shapes are not all refused: the property is not met by failing everything.
        shapesSeen.ShouldContain((Shape.Plain, DownloadStatus.Ok), $"seed {Seed}");
        shapesSeen.ShouldContain((Shape.Chunked, DownloadStatus.Ok), $"seed {Seed}");
        shapesSeen.ShouldContain((Shape.ResumeRightRange, DownloadStatus.Ok), $"seed {Seed}");
        shapesSeen.ShouldContain((Shape.BadLength, DownloadStatus.Failed), $"seed {Seed}");
    }

    private static RawReply Reply((Shape Shape, byte[] Body, int Noise) plan, int hit, string? range)
    {
        var body = plan.Body;
        var noise = new Random(plan.Noise + hit);
        var half = body.Length / 2;
        const string Ok = "HTTP/1.1 200 OK\r\nConnection: close\r\nETag: \"v1\"\r\n";
        switch (plan.Shape)
        {
            case Shape.Plain:
                return RawReply.Of(Ok + $"Content-Length: {body.Length}", body);
            case Shape.Chunked:
                return RawReply.Of(Ok + "Transfer-Encoding: chunked", ResponseFramingTests.Chunked(body, noise.Next(1, 700)));
            case Shape.ReadToClose:
                return RawReply.Of(Ok, body);
            case Shape.LongerLength:
                return RawReply.Of(Ok + $"Content-Length: {body.Length + noise.Next(1, 100)}", body);
            case Shape.ExtraAfterLength:
                return RawReply.Of(Ok + $"Content-Length: {body.Length}", [.. body, .. Junk(noise, 50)]);
            case Shape.DropMidBody:
                return RawReply.Of(Ok + $"Content-Length: {body.Length}", body[..noise.Next(0, body.Length)]);
            case Shape.CutChunk:
                var chunked = ResponseFramingTests.Chunked(body, 500);
                return RawReply.Of(Ok + "Transfer-Encoding: chunked", chunked[..noise.Next(0, chunked.Length - 5)]);
            case Shape.BadChunkSize:
                return RawReply.Of(Ok + "Transfer-Encoding: chunked", Encoding.ASCII.GetBytes(noise.Next(3) switch { 0 => "zz\r\n", 1 => "-5\r\n", _ => "ffffffffffffffffff\r\n" }));
            case Shape.NoLastChunk:
                var whole = ResponseFramingTests.Chunked(body, 400);
                return RawReply.Of(Ok + "Transfer-Encoding: chunked", whole[..^5]);
            case Shape.BadLength:
                return RawReply.Of(Ok + $"Content-Length: {noise.Next(4) switch { 0 => "-1", 1 => "abc", 2 => "1e3", _ => "99999999999999999999999" }}", body);
            case Shape.ConflictingLengths:
                return RawReply.Of(Ok + $"Content-Length: {body.Length}\r\nContent-Length: {body.Length + 1}", body);
            case Shape.GarbageStatus:
                return new RawReply([.. Junk(noise, 40), .. "\r\n\r\n"u8.ToArray(), .. body]);
            case Shape.OddVersion:
                return RawReply.Of($"HTTP/{noise.Next(1, 4)}.{noise.Next(2, 9)} 200 OK\r\nContent-Length: {body.Length}", body);
            case Shape.UnknownCoding:
                return RawReply.Of(Ok + "Transfer-Encoding: br\r\n" + $"Content-Length: {body.Length}", body);
            case Shape.UnaskedPartial:
                return RawReply.Of($"HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 0-{body.Length - 1}/{body.Length}\r\nContent-Length: {body.Length}", body);
        }

        // The resume shapes: the first reply drops at half, the retry asks for the rest.
        if (hit == 1 || range is null)
        {
            return RawReply.Of(Ok + $"Content-Length: {body.Length}", body[..half]);
        }

        return plan.Shape switch
        {
            Shape.ResumeRightRange => Partial(half, body.Length, body[half..]),
            Shape.ResumeWrongStart => Partial(Math.Max(0, half - noise.Next(1, 10)), body.Length, body[half..]),
            Shape.ResumeWrongTotal => Partial(half, body.Length + noise.Next(1, 10), body[half..]),
            _ => RawReply.Of(Ok + $"Content-Length: {body.Length}", body),
        };

        static RawReply Partial(int from, int total, byte[] rest) => RawReply.Of(
            $"HTTP/1.1 206 Partial Content\r\nConnection: close\r\nETag: \"v1\"\r\nContent-Range: bytes {from}-{from + rest.Length - 1}/{total}\r\nContent-Length: {rest.Length}",
            rest);
    }

    private static byte[] Junk(Random random, int max)
    {
        var junk = new byte[random.Next(1, max)];
        random.NextBytes(junk);
        return junk;
    }
}
