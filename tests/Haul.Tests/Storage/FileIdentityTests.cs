using Haul.Storage;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Storage;

public sealed class FileIdentityTests
{
    [Fact]
    public void StillNames_HandleOfTheFile_AlsoGivesItsLength()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Out);
        var path = Path.Combine(temp.Out, "sized.bin");
        File.WriteAllBytes(path, new byte[12_345]);
        using var handle = File.OpenHandle(path);

        FileIdentity.StillNames(handle, path, out var length).ShouldBeTrue();

        length.ShouldBe(12_345);
        FileIdentity.StatusOf(handle)!.Value.Length.ShouldBe(12_345);
    }
}
