using Haul.Actions;
using Haul.Errors;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Actions;

public sealed class ExtractActionLimitsTests
{
    private const long MiB = 1024 * 1024;

    [Theory]
    [InlineData("bomb.zip")]
    [InlineData("bomb.tar.gz")]
    public async Task RunAsync_HighlyCompressedZeros_RefusedByRatio(string name)
    {
        using var sandbox = new ArchiveSandbox();
        var file = sandbox.Archive(name, TestEntry.ZeroFile("zeros.bin", 64 * MiB));
        var before = sandbox.Snapshot();

        var outcome = await new ExtractAction(new ExtractOptions { MaxRatio = 100 }).RunAsync(file, TestContext.Current.CancellationToken);

        outcome.Succeeded.ShouldBeFalse();
        outcome.Kind.ShouldBe(ErrorKind.Scope);
        outcome.Message.ShouldBe($"Refused to extract {file.Path}: entry 'zeros.bin' takes it past 100 times the archive's size unpacked, the most allowed.");
        sandbox.Snapshot().ShouldBe(before);
    }

    [Fact]
    public async Task RunAsync_CompressibleButUnderOneMiB_NotRefusedByRatio()
    {
        using var sandbox = new ArchiveSandbox();
        var file = sandbox.Archive("small.zip", TestEntry.ZeroFile("zeros.bin", MiB));

        var outcome = await new ExtractAction(new ExtractOptions { MaxRatio = 2 }).RunAsync(file, TestContext.Current.CancellationToken);

        file.Bytes.ShouldBeLessThan(10_000);
        outcome.Succeeded.ShouldBeTrue(outcome.Message);
        new FileInfo(sandbox.InDownloads("small", "zeros.bin")).Length.ShouldBe(MiB);
    }

    [Fact]
    public async Task RunAsync_MoreBytesThanMaxTotal_Refused()
    {
        using var sandbox = new ArchiveSandbox();
        var file = sandbox.Archive("big.zip", TestEntry.File("a.bin", TestData.Bytes(60_000, seed: 301)), TestEntry.File("b.bin", TestData.Bytes(60_000, seed: 302)));
        var before = sandbox.Snapshot();

        var outcome = await new ExtractAction(new ExtractOptions { MaxTotalBytes = 100_000 }).RunAsync(file, TestContext.Current.CancellationToken);

        outcome.Kind.ShouldBe(ErrorKind.Scope);
        outcome.Message.ShouldBe($"Refused to extract {file.Path}: entry 'b.bin' takes it past 97.7 KiB unpacked, the most allowed.");
        sandbox.Snapshot().ShouldBe(before);
    }

    [Fact]
    public async Task RunAsync_HardLinksCopyingOneFile_CountAgainstMaxTotal()
    {
        using var sandbox = new ArchiveSandbox();
        TestEntry[] entries =
        [
            TestEntry.File("big.bin", TestData.Bytes(400_000, seed: 303)),
            .. Enumerable.Range(1, 10).Select(i => TestEntry.HardLink($"copy{i}.bin", "big.bin")),
        ];
        var file = sandbox.Archive("links.tar", entries);
        var before = sandbox.Snapshot();

        var outcome = await new ExtractAction(new ExtractOptions { MaxTotalBytes = 2 * MiB }).RunAsync(file, TestContext.Current.CancellationToken);

        outcome.Kind.ShouldBe(ErrorKind.Scope);
        outcome.Message.ShouldBe($"Refused to extract {file.Path}: entry 'copy5.bin' takes it past 2.0 MiB unpacked, the most allowed.");
        sandbox.Snapshot().ShouldBe(before);
    }

    [Theory]
    [InlineData("many.zip")]
    [InlineData("many.tar")]
    public async Task RunAsync_MoreEntriesThanMax_Refused(string name)
    {
        using var sandbox = new ArchiveSandbox();
        var file = sandbox.Archive(name, [.. Enumerable.Range(1, 11).Select(i => TestEntry.File($"f{i}.txt", [(byte)i]))]);
        var before = sandbox.Snapshot();

        var outcome = await new ExtractAction(new ExtractOptions { MaxEntries = 10 }).RunAsync(file, TestContext.Current.CancellationToken);

        outcome.Kind.ShouldBe(ErrorKind.Scope);
        outcome.Message.ShouldBe($"Refused to extract {file.Path}: entry 'f11.txt' takes it past 10 entries, the most allowed.");
        sandbox.Snapshot().ShouldBe(before);
    }

    [Fact]
    public async Task RunAsync_ExactlyMaxEntries_Extracted()
    {
        using var sandbox = new ArchiveSandbox();
        var file = sandbox.Archive("ten.zip", [.. Enumerable.Range(1, 10).Select(i => TestEntry.File($"f{i}.txt", [(byte)i]))]);

        var outcome = await new ExtractAction(new ExtractOptions { MaxEntries = 10 }).RunAsync(file, TestContext.Current.CancellationToken);

        outcome.Succeeded.ShouldBeTrue(outcome.Message);
        outcome.Message.ShouldStartWith("Extracted 10 files (10 B)");
    }
}
