using Haul.Storage;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Storage;

public sealed class NoFollowTests
{
    [Fact]
    public void Look_EachKindOfEntry_ToldApartWithoutFollowingLinks()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Out);
        var file = Path.Combine(temp.Out, "file.bin");
        File.WriteAllBytes(file, [1]);
        var folder = Directory.CreateDirectory(Path.Combine(temp.Out, "folder")).FullName;
        var linkToFile = Path.Combine(temp.Out, "to-file");
        File.CreateSymbolicLink(linkToFile, file);
        var linkToFolder = Path.Combine(temp.Out, "to-folder");
        File.CreateSymbolicLink(linkToFolder, folder);
        var dangling = Path.Combine(temp.Out, "dangling");
        File.CreateSymbolicLink(dangling, Path.Combine(temp.Root, "nothing-here"));

        NoFollow.Look(file).ShouldBe(EntryKind.File);
        NoFollow.Look(folder).ShouldBe(EntryKind.Directory);
        NoFollow.Look(linkToFile).ShouldBe(EntryKind.Link);
        NoFollow.Look(linkToFolder).ShouldBe(EntryKind.Link);
        NoFollow.Look(dangling).ShouldBe(EntryKind.Link);
        NoFollow.Look(Path.Combine(temp.Out, "missing.bin")).ShouldBe(EntryKind.Missing);

        // A file where a folder of the path should be: nothing is at the path.
        NoFollow.Look(Path.Combine(file, "below.bin")).ShouldBe(EntryKind.Missing);
    }
}
