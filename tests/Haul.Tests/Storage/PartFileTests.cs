using System.Diagnostics;
using Haul.Storage;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Storage;

public sealed class PartFileTests
{
    [Fact]
    public void TryClaim_SecondClaimInProcess_RefusedUntilTheFirstEnds()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Out);
        var target = Path.Combine(temp.Out, "a.bin");

        using (var first = new PartFile(target))
        {
            first.TryClaim().ShouldBeTrue();
            first.Existed.ShouldBeFalse();
            using var second = new PartFile(target);
            second.TryClaim().ShouldBeFalse();
        }

        using var third = new PartFile(target);
        third.TryClaim().ShouldBeTrue();
    }

    [Fact]
    public async Task TryClaim_HeldPart_AnotherProcessCannotLockIt()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Out);
        using var part = new PartFile(Path.Combine(temp.Out, "held.bin"));
        part.TryClaim().ShouldBeTrue();

        // flock(1) from util-linux: -n fails at once, with -E's code, when another open file holds the lock.
        (await RunAsync("flock", "-n", "-E", "75", part.Path, "true")).ShouldBe(75);

        part.Dispose();
        File.WriteAllBytes(part.Path, [1]);
        (await RunAsync("flock", "-n", "-E", "75", part.Path, "true")).ShouldBe(0);
    }

    [Fact]
    public async Task SaveMetadataAsync_StoppedWhileWriting_NoTemporaryLeftAndTheNextSaveWorks()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Out);
        using var part = new PartFile(Path.Combine(temp.Out, "m.bin"));
        part.TryClaim().ShouldBeTrue();
        part.StartOver(new PartMetadata("http://127.0.0.1/m.bin", "\"v1\"", null, 10));

        // The temporary is created, then the write stops (as a full disk or Ctrl+C would stop it).
        await Should.ThrowAsync<OperationCanceledException>(async () => await part.SaveMetadataAsync(new CancellationToken(canceled: true)));

        File.Exists(part.MetaPath + ".tmp").ShouldBeFalse();
        File.Exists(part.MetaPath).ShouldBeFalse();
        part.MetadataSaved.ShouldBeFalse();
        await part.SaveMetadataAsync(TestContext.Current.CancellationToken);
        (await new PartFile(Path.Combine(temp.Out, "m.bin")).LoadMetadataAsync(TestContext.Current.CancellationToken)).ShouldBe(part.Metadata);
        Directory.EnumerateFiles(temp.Out).Select(Path.GetFileName).Order(StringComparer.Ordinal).ShouldBe(["m.bin.part", "m.bin.part.meta"]);
    }

    [Fact]
    public void OpenForWrite_ReturnedHandleDisposed_ClaimStillHeld()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Out);
        var target = Path.Combine(temp.Out, "w.bin");
        using var part = new PartFile(target);
        part.TryClaim().ShouldBeTrue();

        using (var handle = part.OpenForWrite(0))
        {
            RandomAccess.Write(handle, new byte[] { 1, 2, 3 }, 0);
        }

        part.ExistingLength().ShouldBe(3);
        part.CheckIntact(3).ShouldBeNull();
        using var other = new PartFile(target);
        other.TryClaim().ShouldBeFalse();
    }

    [Fact]
    public void OpenForWrite_ExistingPartClaimed_CutToTheOffsetAndLengthAskedAfterwards()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Out);
        var target = Path.Combine(temp.Out, "x.bin");
        File.WriteAllBytes(target + PartFile.Suffix, [1, 2, 3, 4, 5]);
        using var part = new PartFile(target);
        part.TryClaim().ShouldBeTrue();
        part.Existed.ShouldBeTrue();
        part.ExistingLength().ShouldBe(5);

        using (var handle = part.OpenForWrite(2))
        {
            new FileInfo(part.Path).Length.ShouldBe(2);
            RandomAccess.Write(handle, new byte[] { 7, 7, 7 }, 2);
        }

        // Written through the handle after the claim: the length is the file's now, not the claim's.
        part.ExistingLength().ShouldBe(5);
        var onDisk = new byte[5];
        RandomAccess.Read(part.Handle, onDisk, 0).ShouldBe(5);
        onDisk.ShouldBe(new byte[] { 1, 2, 7, 7, 7 });
        part.CheckIntact(5).ShouldBeNull();
    }

    [Fact]
    public void OpenForWrite_FromZeroOnExistingPart_EmptiesIt()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Out);
        var target = Path.Combine(temp.Out, "z.bin");
        File.WriteAllBytes(target + PartFile.Suffix, [1, 2, 3]);
        using var part = new PartFile(target);
        part.TryClaim().ShouldBeTrue();

        using (part.OpenForWrite(0))
        {
            new FileInfo(part.Path).Length.ShouldBe(0);
        }

        part.ExistingLength().ShouldBe(0);
    }

    [Fact]
    public void TryClaim_DanglingLinkAtPartName_RefusedAndNothingCreatedAtItsTarget()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Out);
        var outside = Path.Combine(temp.Root, "not-there.bin");
        var target = Path.Combine(temp.Out, "d.bin");
        File.CreateSymbolicLink(target + PartFile.Suffix, outside);
        using var part = new PartFile(target);

        // The exclusive create meets the link and fails; it never creates the file the link names.
        Should.Throw<LinkRefusedException>(() => part.TryClaim()).Path.ShouldBe(target + PartFile.Suffix);

        File.Exists(outside).ShouldBeFalse();
        new FileInfo(target + PartFile.Suffix).LinkTarget.ShouldBe(outside);
    }

    [Fact]
    public void TryClaim_LinkAtPartName_RefusedAndLinkTargetUnchanged()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Out);
        var outside = Path.Combine(temp.Root, "outside.bin");
        File.WriteAllBytes(outside, [9, 9, 9]);
        var target = Path.Combine(temp.Out, "l.bin");
        File.CreateSymbolicLink(target + PartFile.Suffix, outside);
        using var part = new PartFile(target);

        Should.Throw<LinkRefusedException>(() => part.TryClaim()).Path.ShouldBe(target + PartFile.Suffix);

        File.ReadAllBytes(outside).ShouldBe(new byte[] { 9, 9, 9 });
        using var again = new PartFile(target);
        Should.Throw<LinkRefusedException>(() => again.TryClaim());
    }

    [Fact]
    public void Dispose_ClaimedPartLeftEmpty_IsRemoved()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Out);
        var part = new PartFile(Path.Combine(temp.Out, "e.bin"));
        part.TryClaim().ShouldBeTrue();
        File.Exists(part.Path).ShouldBeTrue();

        part.Dispose();

        File.Exists(part.Path).ShouldBeFalse();
    }

    [Fact]
    public void CheckIntact_PartReplacedOrTruncated_Reported()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Out);
        using var part = new PartFile(Path.Combine(temp.Out, "r.bin"));
        part.TryClaim().ShouldBeTrue();
        using (var handle = part.OpenForWrite(0))
        {
            RandomAccess.Write(handle, new byte[] { 1, 2, 3, 4 }, 0);
        }

        part.CheckIntact(5).ShouldBe("it holds 4 bytes, not the 5 written");

        // Another file renamed over the .part's name: same length, another file.
        var impostor = Path.Combine(temp.Out, "impostor");
        File.WriteAllBytes(impostor, [1, 2, 3, 4]);
        File.Move(impostor, part.Path, overwrite: true);
        part.CheckIntact(4).ShouldBe("its name leads to another file now");
    }

    [Fact]
    public void CreateFresh_LinkAtTheName_RefusedAndLinkTargetUnchanged()
    {
        using var temp = new TempDirectory();
        var outside = Path.Combine(temp.Root, "outside.txt");
        File.WriteAllText(outside, "keep");
        var link = Path.Combine(temp.Root, "x.tmp");
        File.CreateSymbolicLink(link, outside);

        Should.Throw<LinkRefusedException>(() => NoFollow.CreateFresh(link));

        File.ReadAllText(outside).ShouldBe("keep");
    }

    [Fact]
    public void HardLinkTryCreate_OnThisSystem_LinksTheSameContent()
    {
        using var temp = new TempDirectory();
        var existing = Path.Combine(temp.Root, "a.bin");
        var bytes = TestData.Bytes(1000, seed: 910);
        File.WriteAllBytes(existing, bytes);
        var link = Path.Combine(temp.Root, "b.bin");

        HardLink.TryCreate(existing, link, out var error).ShouldBeTrue(error);

        TestData.FileSha256(link).ShouldBe(TestData.Sha256(bytes));
        HardLink.TryCreate(existing, link, out error).ShouldBeFalse();
        error.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public void TryReserveUrl_SameUrlAgain_RefusedWithFirstLineUntilReleased()
    {
        var names = new NameReservations();
        var key = NameReservations.UrlKey("http://example.org/a.bin", "/out", null);

        names.TryReserveUrl(key, 3, out _).ShouldBeTrue();
        names.TryReserveUrl(key, 9, out var first).ShouldBeFalse();
        first.ShouldBe(3);
        names.TryReserveUrl(NameReservations.UrlKey("http://example.org/a.bin", "/out", "b.bin"), 10, out _).ShouldBeTrue();

        names.ReleaseUrl(key);
        names.TryReserveUrl(key, 9, out _).ShouldBeTrue();
    }

    /// <summary>Runs a helper program with its output captured (never attached to the terminal) and returns its exit code.</summary>
    internal static async Task<int> RunAsync(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        await Task.WhenAll(output, error);
        return process.ExitCode;
    }
}
