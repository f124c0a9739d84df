using System.Formats.Tar;
using Haul.Actions;
using Haul.Errors;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Actions;

public sealed class ExtractActionHostileTests
{
    private static readonly byte[] Payload = TestData.Bytes(2000, seed: 201);

    /// <summary>Each case: the archive's name, the entries, and the entry the refusal must name.</summary>
    private static readonly Dictionary<string, (string Archive, TestEntry[] Entries, string Culprit)> Cases = new()
    {
        ["zip-parent"] = ("evil.zip", [TestEntry.File("ok.txt", Payload), TestEntry.File("../evil.txt", Payload)], "../evil.txt"),
        ["zip-backslash-parent"] = ("evil.zip", [TestEntry.File("..\\evil.txt", Payload)], "..\\evil.txt"),
        ["zip-absolute"] = ("evil.zip", [TestEntry.File("/abs.txt", Payload)], "/abs.txt"),
        ["zip-drive"] = ("evil.zip", [TestEntry.File("C:\\x.txt", Payload)], "C:\\x.txt"),
        ["zip-unc"] = ("evil.zip", [TestEntry.File("\\\\server\\share\\x.txt", Payload)], "\\\\server\\share\\x.txt"),
        ["zip-normalizes-outside"] = ("evil.zip", [TestEntry.File("a/b/../../../evil.txt", Payload)], "a/b/../../../evil.txt"),
        ["tar-parent"] = ("evil.tar", [TestEntry.File("../../x", Payload)], "../../x"),
        ["tar-absolute"] = ("evil.tar", [TestEntry.File("/etc/haul-test-x", Payload)], "/etc/haul-test-x"),
        ["tgz-normalizes-outside"] = ("evil.tgz", [TestEntry.File("a/./../../x", Payload)], "a/./../../x"),
        ["tar-symlink-absolute"] = ("evil.tar", [TestEntry.SymbolicLink("etc", "/etc")], "etc"),
        ["tar-symlink-outside"] = ("evil.tar", [TestEntry.SymbolicLink("a/out", "../../outside")], "a/out"),
        ["tar-symlink-drive"] = ("evil.tar", [TestEntry.SymbolicLink("win", "C:\\Windows")], "win"),
        ["tar-hardlink-outside"] = ("evil.tar", [TestEntry.HardLink("passwd", "../outside.txt")], "passwd"),
        ["tar-hardlink-absolute"] = ("evil.tar", [TestEntry.HardLink("passwd", "/etc/passwd")], "passwd"),
        ["tar-hardlink-missing"] = ("evil.tar", [TestEntry.HardLink("copy", "never-extracted.txt")], "copy"),
        ["tar-hardlink-to-folder"] = ("evil.tar", [TestEntry.Folder("d/"), TestEntry.HardLink("copy", "d")], "copy"),
        ["tar-write-through-escaping-link"] = ("evil.tar", [TestEntry.SymbolicLink("link", "../.."), TestEntry.File("link/x", Payload)], "link"),
        ["tar-write-through-inside-link"] = ("evil.tar", [TestEntry.Folder("a/"), TestEntry.SymbolicLink("link", "a"), TestEntry.File("link/x", Payload)], "link/x"),
        ["tar-link-replaces-folder"] = ("evil.tar", [TestEntry.Folder("a/"), TestEntry.SymbolicLink("a", "..")], "a"),
        ["tar-character-device"] = ("evil.tar", [TestEntry.Special("dev/null", TarEntryType.CharacterDevice)], "dev/null"),
        ["tar-block-device"] = ("evil.tar", [TestEntry.Special("dev/sda", TarEntryType.BlockDevice)], "dev/sda"),
        ["tgz-fifo"] = ("evil.tar.gz", [TestEntry.Special("pipe", TarEntryType.Fifo)], "pipe"),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task RunAsync_HostileEntry_RefusedAsScopeAndNothingWritten(string caseName)
    {
        var (archiveName, entries, culprit) = Cases[caseName];
        using var sandbox = new ArchiveSandbox();
        var file = sandbox.Archive(archiveName, entries);
        var before = sandbox.Snapshot();

        var outcome = await new ExtractAction(new ExtractOptions()).RunAsync(file, TestContext.Current.CancellationToken);

        outcome.Succeeded.ShouldBeFalse();
        outcome.Kind.ShouldBe(ErrorKind.Scope);
        outcome.Message.ShouldStartWith($"Refused to extract {file.Path}: entry '{culprit}' ");
        outcome.Message.ShouldEndWith(".");
        sandbox.Snapshot().ShouldBe(before, "no target folder, no temporary folder, nothing beside or above");
        ArchiveSandbox.Sha256(file.Path).ShouldBe(file.Sha256);
        File.Exists("/etc/haul-test-x").ShouldBeFalse();
    }

    [Fact]
    public async Task RunAsync_LinkThroughAnotherLink_WrittenAsResolvedAndStaysInside()
    {
        // d/l -> .. is the folder itself; m -> d/l/.. would, followed by the OS, be the folder's
        // parent. It is checked and written as resolved lexically (m -> d), which stays inside.
        using var sandbox = new ArchiveSandbox();
        var file = sandbox.Archive("chain.tar", TestEntry.Folder("d/"), TestEntry.SymbolicLink("d/l", ".."), TestEntry.SymbolicLink("m", "d/l/.."));

        var outcome = await new ExtractAction(new ExtractOptions()).RunAsync(file, TestContext.Current.CancellationToken);

        outcome.Succeeded.ShouldBeTrue(outcome.Message);
        var folder = sandbox.InDownloads("chain");
        new FileInfo(Path.Combine(folder, "m")).LinkTarget.ShouldBe("d");
        foreach (var link in new[] { Path.Combine(folder, "m"), Path.Combine(folder, "d", "l") })
        {
            var resolved = new DirectoryInfo(link).ResolveLinkTarget(returnFinalTarget: true)!.FullName;
            (resolved + Path.DirectorySeparatorChar).ShouldStartWith(folder + Path.DirectorySeparatorChar);
        }
    }

    [Fact]
    public async Task RunAsync_ControlCharactersInEntryName_ShownAsQuestionMarks()
    {
        using var sandbox = new ArchiveSandbox();
        var file = sandbox.Archive("evil.tar", TestEntry.File("../\u001b[31mred", Payload));

        var outcome = await new ExtractAction(new ExtractOptions()).RunAsync(file, TestContext.Current.CancellationToken);

        outcome.Kind.ShouldBe(ErrorKind.Scope);
        outcome.Message.ShouldBe($"Refused to extract {file.Path}: entry '../?[31mred' would land outside the folder.");
    }

    [Fact]
    public async Task RunAsync_RefusalAfterGoodEntries_RemovesEverythingWritten()
    {
        using var sandbox = new ArchiveSandbox();
        var file = sandbox.Archive(
            "late.tgz",
            TestEntry.File("a/one.bin", TestData.Bytes(100_000, seed: 202)),
            TestEntry.File("a/b/two.bin", TestData.Bytes(100_000, seed: 203)),
            TestEntry.SymbolicLink("a/b/inside", "../one.bin"),
            TestEntry.SymbolicLink("escape", "../../../../../../../../etc/passwd"));
        var before = sandbox.Snapshot();

        var outcome = await new ExtractAction(new ExtractOptions()).RunAsync(file, TestContext.Current.CancellationToken);

        outcome.Kind.ShouldBe(ErrorKind.Scope);
        outcome.Message.ShouldBe($"Refused to extract {file.Path}: entry 'escape' is a symbolic link to '../../../../../../../../etc/passwd', outside the folder.");
        sandbox.Snapshot().ShouldBe(before);
    }
}
