using System.Security.Cryptography;
using Haul.Storage;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Storage;

public sealed class PartCommitTests
{
    private const string Url = "http://127.0.0.1/a.bin";

    [Fact]
    public void FindChange_IntactPart_ReturnsNull()
    {
        using var temp = new TempDirectory();
        using var part = ClaimedPart(temp, "a.bin", [1, 2, 3]);

        PartCommit.FindChange(Url, part, 3, Sha256([1, 2, 3])).ShouldBeNull();
        part.ExistingLength().ShouldBe(3);
    }

    [Fact]
    public void FindChange_BytesRewrittenInPlace_ReportsAndEmptiesPart()
    {
        using var temp = new TempDirectory();
        using var part = ClaimedPart(temp, "a.bin", [9, 9, 9]);

        // Same length and same file, other bytes: only the read-back sees it.
        PartCommit.FindChange(Url, part, 3, Sha256([1, 2, 3])).ShouldBe("its bytes are not the ones received");
        part.ExistingLength().ShouldBe(0);
    }

    [Fact]
    public void FindChange_WrittenInOneWriteAndIntact_ReturnsNullAndKeepsPart()
    {
        using var temp = new TempDirectory();
        using var part = ClaimedPart(temp, "a.bin", [1, 2, 3]);

        PartCommit.FindChange(Url, part, 3, Sha256([1, 2, 3]), writtenInOneWrite: true).ShouldBeNull();
        part.ExistingLength().ShouldBe(3);
    }

    [Fact]
    public void FindChange_WrittenInOneWriteThenCutOrExtended_ReportsAndEmptiesPart()
    {
        using var temp = new TempDirectory();
        using var part = ClaimedPart(temp, "a.bin", [1, 2, 3]);

        // Without the read-back, the length through the handle is what catches a change that
        // came after the one write: a cut, or bytes added past the end.
        RandomAccess.SetLength(part.Handle, 2);
        PartCommit.FindChange(Url, part, 3, Sha256([1, 2, 3]), writtenInOneWrite: true).ShouldBe("it holds 2 bytes, not the 3 written");
        part.ExistingLength().ShouldBe(0);

        using (var handle = part.OpenForWrite(0))
        {
            RandomAccess.Write(handle, new byte[] { 1, 2, 3, 4 }, 0);
        }

        PartCommit.FindChange(Url, part, 3, Sha256([1, 2, 3]), writtenInOneWrite: true).ShouldBe("it holds 4 bytes, not the 3 written");
        part.ExistingLength().ShouldBe(0);
    }

    [Fact]
    public void FindChange_WrittenInOneWriteThenNameReplaced_Reports()
    {
        using var temp = new TempDirectory();
        using var part = ClaimedPart(temp, "a.bin", [1, 2, 3]);
        var impostor = Path.Combine(temp.Out, "impostor");
        File.WriteAllBytes(impostor, [1, 2, 3]);
        File.Move(impostor, part.Path, overwrite: true);

        PartCommit.FindChange(Url, part, 3, Sha256([1, 2, 3]), writtenInOneWrite: true).ShouldBe("its name leads to another file now");
    }

    [Fact]
    public void Commit_FileAppearedAtReservedName_TakesNextNameAndKeepsTheOther()
    {
        using var temp = new TempDirectory();
        var names = new NameReservations();
        var reserved = names.Reserve(temp.Out, "a.bin");
        using var part = ClaimedPart(temp, "a.bin", [1, 2, 3]);
        File.WriteAllBytes(reserved, [7]);

        var committed = new PartCommit(names, null, allowOverwrite: false)
            .Commit(Url, part, new CommitPlace(temp.Out, "a.bin", reserved, false, null, false), Sha256([1, 2, 3]), 3);
        part.Dispose();

        committed.Path.ShouldBe(Path.Combine(temp.Out, "a.1.bin"));
        Sha256(File.ReadAllBytes(committed.Path)).ShouldBe(Sha256([1, 2, 3]));
        File.ReadAllBytes(reserved).ShouldBe(new byte[] { 7 });
        File.Exists(part.Path).ShouldBeFalse();
    }

    [Fact]
    public void Commit_SuggestedNameAndNameNotFixed_CommitsUnderSuggestedName()
    {
        using var temp = new TempDirectory();
        var names = new NameReservations();
        var reserved = names.Reserve(temp.Out, "a.bin");
        using var part = ClaimedPart(temp, "a.bin", [4, 5]);

        var committed = new PartCommit(names, null, allowOverwrite: false)
            .Commit(Url, part, new CommitPlace(temp.Out, "a.bin", reserved, false, "served.bin", false), Sha256([4, 5]), 2);
        part.Dispose();

        committed.Path.ShouldBe(Path.Combine(temp.Out, "served.bin"));
        Sha256(File.ReadAllBytes(committed.Path)).ShouldBe(Sha256([4, 5]));
        File.Exists(reserved).ShouldBeFalse();
    }

    [Fact]
    public void Commit_SuggestedNameButNameFixed_KeepsReservedName()
    {
        using var temp = new TempDirectory();
        var names = new NameReservations();
        var reserved = names.Reserve(temp.Out, "chosen.bin");
        using var part = ClaimedPart(temp, "chosen.bin", [6]);

        var committed = new PartCommit(names, null, allowOverwrite: false)
            .Commit(Url, part, new CommitPlace(temp.Out, "chosen.bin", reserved, true, "served.bin", false), Sha256([6]), 1);
        part.Dispose();

        committed.Path.ShouldBe(reserved);
        Sha256(File.ReadAllBytes(reserved)).ShouldBe(Sha256([6]));
    }

    private static PartFile ClaimedPart(TempDirectory temp, string name, byte[] bytes)
    {
        Directory.CreateDirectory(temp.Out);
        var part = new PartFile(Path.Combine(temp.Out, name));
        part.TryClaim().ShouldBeTrue();
        using (var handle = part.OpenForWrite(0))
        {
            RandomAccess.Write(handle, bytes, 0);
        }

        return part;
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
