using Haul.Actions;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Actions;

public sealed class ExtractActionTests
{
    private static readonly byte[] Top = TestData.Bytes(10_000, seed: 101);
    private static readonly byte[] Deep = TestData.Bytes(300_000, seed: 102);
    private static readonly byte[] Other = TestData.Bytes(5_000, seed: 103);

    private static TestEntry[] NestedEntries() =>
    [
        TestEntry.Folder("./"),
        TestEntry.Folder("a/"),
        TestEntry.File("top.txt", Top),
        TestEntry.File("a/b/c/deep.bin", Deep),
        TestEntry.File("a/empty.txt", []),
        TestEntry.Folder("a/empty-folder/"),
        TestEntry.File("./other.dat", Other),
    ];

    [Theory]
    [InlineData("photos.zip")]
    [InlineData("photos.tar")]
    [InlineData("photos.tar.gz")]
    [InlineData("photos.tgz")]
    [InlineData("PHOTOS.TAR.GZ")]
    public async Task RunAsync_GoodArchive_EveryFileExtractedIntoFolderNamedAfterIt(string archiveName)
    {
        using var sandbox = new ArchiveSandbox();
        var file = sandbox.Archive(archiveName, NestedEntries());
        var folderName = archiveName[..archiveName.IndexOf('.', StringComparison.Ordinal)];

        var outcome = await new ExtractAction(new ExtractOptions()).RunAsync(file, TestContext.Current.CancellationToken);

        outcome.Action.ShouldBe("extract");
        outcome.Succeeded.ShouldBeTrue(outcome.Message);
        outcome.Kind.ShouldBeNull();
        var folder = sandbox.InDownloads(folderName);
        outcome.Message.ShouldBe($"Extracted 4 files (307.6 KiB) into {folder}{Path.DirectorySeparatorChar}.");
        ArchiveSandbox.Sha256(Path.Combine(folder, "top.txt")).ShouldBe(TestData.Sha256(Top));
        ArchiveSandbox.Sha256(Path.Combine(folder, "a", "b", "c", "deep.bin")).ShouldBe(TestData.Sha256(Deep));
        ArchiveSandbox.Sha256(Path.Combine(folder, "a", "empty.txt")).ShouldBe(TestData.EmptySha256);
        ArchiveSandbox.Sha256(Path.Combine(folder, "other.dat")).ShouldBe(TestData.Sha256(Other));
        Directory.Exists(Path.Combine(folder, "a", "empty-folder")).ShouldBeTrue();
        Directory.EnumerateFileSystemEntries(sandbox.Downloads).Select(Path.GetFileName).Order(StringComparer.Ordinal)
            .ShouldBe(new[] { archiveName, folderName }.Order(StringComparer.Ordinal), "the hidden temporary folder is gone");
        ArchiveSandbox.Sha256(file.Path).ShouldBe(file.Sha256);
    }

    [Fact]
    public async Task RunAsync_NotAnArchive_SucceedsAndDoesNothing()
    {
        using var sandbox = new ArchiveSandbox();
        var path = sandbox.InDownloads("photo.jpg");
        await File.WriteAllBytesAsync(path, Top, TestContext.Current.CancellationToken);
        var before = sandbox.Snapshot();

        var outcome = await new ExtractAction(new ExtractOptions()).RunAsync(ArchiveSandbox.Completed(path), TestContext.Current.CancellationToken);

        outcome.Succeeded.ShouldBeTrue();
        outcome.Message.ShouldBe($"{path} is not an archive (.zip, .tar, .tar.gz, .tgz); nothing was extracted.");
        sandbox.Snapshot().ShouldBe(before);
    }

    [Fact]
    public async Task RunAsync_TargetFolderExists_UsesNextFreeSuffix()
    {
        using var sandbox = new ArchiveSandbox();
        Directory.CreateDirectory(sandbox.InDownloads("photos"));
        await File.WriteAllTextAsync(sandbox.InDownloads("photos", "mine.txt"), "keep", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(sandbox.InDownloads("photos.1"), "a file, not a folder", TestContext.Current.CancellationToken);
        var file = sandbox.Archive("photos.zip", TestEntry.File("top.txt", Top));
        var action = new ExtractAction(new ExtractOptions());

        var first = await action.RunAsync(file, TestContext.Current.CancellationToken);
        var second = await action.RunAsync(file, TestContext.Current.CancellationToken);

        first.Message.ShouldEndWith($"into {sandbox.InDownloads("photos.2")}{Path.DirectorySeparatorChar}.");
        second.Message.ShouldEndWith($"into {sandbox.InDownloads("photos.3")}{Path.DirectorySeparatorChar}.");
        ArchiveSandbox.Sha256(sandbox.InDownloads("photos.2", "top.txt")).ShouldBe(TestData.Sha256(Top));
        ArchiveSandbox.Sha256(sandbox.InDownloads("photos.3", "top.txt")).ShouldBe(TestData.Sha256(Top));
        Directory.EnumerateFileSystemEntries(sandbox.InDownloads("photos")).Select(Path.GetFileName).ShouldBe(["mine.txt"]);
    }

    [Fact]
    public async Task RunAsync_RelativePath_MessageNamesFolderAsGiven()
    {
        using var sandbox = new ArchiveSandbox();
        var file = sandbox.Archive("photos.tgz", TestEntry.File("a.txt", Top));
        var relative = file with { Path = Path.GetRelativePath(Environment.CurrentDirectory, file.Path) };

        var outcome = await new ExtractAction(new ExtractOptions()).RunAsync(relative, TestContext.Current.CancellationToken);

        outcome.Message.ShouldBe($"Extracted 1 file (9.8 KiB) into {Path.Combine(Path.GetDirectoryName(relative.Path)!, "photos")}{Path.DirectorySeparatorChar}.");
    }

    [Fact]
    public async Task RunAsync_SymbolicLinksInside_CreatedAndCounted()
    {
        using var sandbox = new ArchiveSandbox();
        var file = sandbox.Archive(
            "links.tar",
            TestEntry.File("top.txt", Top),
            TestEntry.File("a/b/deep.bin", Deep),
            TestEntry.SymbolicLink("same.txt", "top.txt"),
            TestEntry.SymbolicLink("a/b/up.txt", "../../top.txt"),
            TestEntry.SymbolicLink("a/shortcut", "./b/../b"),
            TestEntry.SymbolicLink("dangling", "not-yet/there"));

        var outcome = await new ExtractAction(new ExtractOptions()).RunAsync(file, TestContext.Current.CancellationToken);

        outcome.Succeeded.ShouldBeTrue(outcome.Message);
        outcome.Message.ShouldStartWith("Extracted 2 files and 4 symbolic links (");
        var folder = sandbox.InDownloads("links");
        ArchiveSandbox.Sha256(Path.Combine(folder, "same.txt")).ShouldBe(TestData.Sha256(Top));
        ArchiveSandbox.Sha256(Path.Combine(folder, "a", "b", "up.txt")).ShouldBe(TestData.Sha256(Top));
        ArchiveSandbox.Sha256(Path.Combine(folder, "a", "shortcut", "deep.bin")).ShouldBe(TestData.Sha256(Deep));
        new FileInfo(Path.Combine(folder, "a", "shortcut")).LinkTarget.ShouldBe("b", "targets are written as resolved");
        new FileInfo(Path.Combine(folder, "dangling")).LinkTarget.ShouldBe(Path.Combine("not-yet", "there"));
    }

    [Fact]
    public async Task RunAsync_HardLinkInside_BecomesCopy()
    {
        using var sandbox = new ArchiveSandbox();
        var file = sandbox.Archive("hard.tar", TestEntry.File("a/original.bin", Deep), TestEntry.HardLink("b/copy.bin", "a/original.bin"));

        var outcome = await new ExtractAction(new ExtractOptions()).RunAsync(file, TestContext.Current.CancellationToken);

        outcome.Succeeded.ShouldBeTrue(outcome.Message);
        outcome.Message.ShouldStartWith("Extracted 2 files (585.9 KiB)");
        ArchiveSandbox.Sha256(sandbox.InDownloads("hard", "b", "copy.bin")).ShouldBe(TestData.Sha256(Deep));
    }

    [Fact]
    public async Task RunAsync_DuplicateEntry_LaterOneWins()
    {
        using var sandbox = new ArchiveSandbox();
        var file = sandbox.Archive(
            "dup.tar",
            TestEntry.File("x.txt", Top),
            TestEntry.SymbolicLink("y.txt", "x.txt"),
            TestEntry.File("x.txt", Other),
            TestEntry.File("y.txt", Deep));

        var outcome = await new ExtractAction(new ExtractOptions()).RunAsync(file, TestContext.Current.CancellationToken);

        outcome.Succeeded.ShouldBeTrue(outcome.Message);
        ArchiveSandbox.Sha256(sandbox.InDownloads("dup", "x.txt")).ShouldBe(TestData.Sha256(Other));
        var y = new FileInfo(sandbox.InDownloads("dup", "y.txt"));
        y.LinkTarget.ShouldBeNull("a file entry replaces the link itself, not what it points to");
        ArchiveSandbox.Sha256(y.FullName).ShouldBe(TestData.Sha256(Deep));
    }

    [Fact]
    public async Task RunAsync_ZipWithBackslashNames_ExtractsIntoFolders()
    {
        using var sandbox = new ArchiveSandbox();
        var file = sandbox.Archive("win.zip", TestEntry.File("docs\\readme.txt", Top));

        var outcome = await new ExtractAction(new ExtractOptions()).RunAsync(file, TestContext.Current.CancellationToken);

        outcome.Succeeded.ShouldBeTrue(outcome.Message);
        ArchiveSandbox.Sha256(sandbox.InDownloads("win", "docs", "readme.txt")).ShouldBe(TestData.Sha256(Top));
    }

    [Fact]
    public async Task RunAsync_TarModes_PermissionBitsKeptSpecialBitsDropped()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("Unix file modes only.");
            return;
        }

        using var sandbox = new ArchiveSandbox();
        var path = sandbox.InDownloads("modes.tar");
        await using (var stream = File.Create(path))
        {
            await using var writer = new System.Formats.Tar.TarWriter(stream);
            await writer.WriteEntryAsync(new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, "tool")
            {
                Mode = UnixFileMode.SetUser | UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute,
                DataStream = new MemoryStream(Top),
            }, TestContext.Current.CancellationToken);
        }

        var outcome = await new ExtractAction(new ExtractOptions()).RunAsync(ArchiveSandbox.Completed(path), TestContext.Current.CancellationToken);

        outcome.Succeeded.ShouldBeTrue(outcome.Message);
        var mode = File.GetUnixFileMode(sandbox.InDownloads("modes", "tool"));
        mode.HasFlag(UnixFileMode.UserExecute).ShouldBeTrue();
        mode.HasFlag(UnixFileMode.UserWrite).ShouldBeTrue();
        mode.HasFlag(UnixFileMode.SetUser).ShouldBeFalse();
    }

    [Fact]
    public async Task RunAsync_CancelledToken_ThrowsAndLeavesOnlyTheArchive()
    {
        using var sandbox = new ArchiveSandbox();
        var file = sandbox.Archive("photos.tar.gz", NestedEntries());
        var before = sandbox.Snapshot();
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => new ExtractAction(new ExtractOptions()).RunAsync(file, cancellation.Token));

        sandbox.Snapshot().ShouldBe(before);
    }

    [Theory]
    [InlineData("broken.zip")]
    [InlineData("broken.tar.gz")]
    [InlineData("broken.tar")]
    public async Task RunAsync_GarbageArchive_FailedIoOutcome(string name)
    {
        using var sandbox = new ArchiveSandbox();
        var path = sandbox.InDownloads(name);
        await File.WriteAllBytesAsync(path, TestData.Bytes(5000, seed: 104), TestContext.Current.CancellationToken);
        var before = sandbox.Snapshot();

        var outcome = await new ExtractAction(new ExtractOptions()).RunAsync(ArchiveSandbox.Completed(path), TestContext.Current.CancellationToken);

        outcome.Succeeded.ShouldBeFalse();
        outcome.Kind.ShouldBe(Haul.Errors.ErrorKind.Io);
        outcome.Message.ShouldStartWith($"Could not extract {path}: the archive is corrupt (");
        sandbox.Snapshot().ShouldBe(before);
    }

    [Theory]
    [InlineData("cut.zip")]
    [InlineData("cut.tar.gz")]
    [InlineData("cut.tar")]
    public async Task RunAsync_TruncatedArchive_FailedIoOutcomeAndNothingLeft(string name)
    {
        using var sandbox = new ArchiveSandbox();
        var file = sandbox.Archive(name, TestEntry.File("top.txt", Top), TestEntry.File("deep.bin", Deep));
        using (var stream = new FileStream(file.Path, FileMode.Open))
        {
            stream.SetLength(stream.Length / 2);
        }

        var before = sandbox.Snapshot();

        var outcome = await new ExtractAction(new ExtractOptions()).RunAsync(ArchiveSandbox.Completed(file.Path), TestContext.Current.CancellationToken);

        outcome.Succeeded.ShouldBeFalse();
        outcome.Kind.ShouldBe(Haul.Errors.ErrorKind.Io);
        outcome.Message.ShouldContain("corrupt");
        sandbox.Snapshot().ShouldBe(before);
    }
}
