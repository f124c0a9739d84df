namespace Haul.Tests.Docs;

public sealed class MarkdownFenceTests
{
    public static TheoryData<string> Documents() => [.. RepositoryFiles.MarkdownDocuments()];

    [Theory]
    [MemberData(nameof(Documents))]
    public void Read_RepositoryDocument_EveryFenceBalanced(string document)
    {
        var (_, problems) = MarkdownFences.Read(File.ReadAllText(Path.Combine(RepositoryFiles.Root, document)));

        problems.ShouldBeEmpty($"{document}:\n{string.Join('\n', problems)}");
    }

    [Fact]
    public void Read_ClosedBlocks_ReturnsEachWithItsLines()
    {
        const string markdown = "text\n```sh\nhaul demo\n```\n\n```csharp\nvar x = 1;\n```\n";

        var (blocks, problems) = MarkdownFences.Read(markdown);

        problems.ShouldBeEmpty();
        blocks.ShouldBe([new FencedBlock(2, 4, "sh", "haul demo"), new FencedBlock(6, 8, "csharp", "var x = 1;")]);
    }

    [Fact]
    public void Read_OpenerWhereACloserBelongs_NamesBothLines()
    {
        // The shape that turned half a README inside out: a block left open, then the next opener.
        const string markdown = "```sh\neval x\n\n### Next\n\n```sh\nredis-server\n```\n";

        var (_, problems) = MarkdownFences.Read(markdown);

        problems.ShouldHaveSingleItem().ShouldStartWith("line 6: '```sh' is inside the block opened at line 1");
    }

    [Fact]
    public void Read_BlockOpenAtTheEnd_Reported()
    {
        var (blocks, problems) = MarkdownFences.Read("# Title\n\n```\nlast words\n");

        blocks.ShouldBeEmpty();
        problems.ShouldHaveSingleItem().ShouldBe("line 3: the block opened here ('```') is never closed");
    }

    [Fact]
    public void Read_LongerFenceAroundShorterOnes_ShorterOnesAreCode()
    {
        const string markdown = "````markdown\n```csharp\nvar x = 1;\n```\n````\n";

        var (blocks, problems) = MarkdownFences.Read(markdown);

        problems.ShouldBeEmpty();
        blocks.ShouldHaveSingleItem().Code.ShouldBe("```csharp\nvar x = 1;\n```");
    }

    [Fact]
    public void Read_TildeBlockHoldingBackticks_BackticksAreCode()
    {
        var (blocks, problems) = MarkdownFences.Read("~~~\n```sh\n~~~\n");

        problems.ShouldBeEmpty();
        blocks.ShouldHaveSingleItem().Code.ShouldBe("```sh");
    }

    [Fact]
    public void Read_IndentedFenceInAListItem_Balanced()
    {
        const string markdown = "- **JSON lines**:\n  ```\n  {\"url\":\"…\"}\n  ```\n- next\n";

        var (blocks, problems) = MarkdownFences.Read(markdown);

        problems.ShouldBeEmpty();
        blocks.ShouldHaveSingleItem().OpenLine.ShouldBe(2);
    }

    [Fact]
    public void Read_InlineCodeWithTripleBackticks_NotAFence()
    {
        var (blocks, problems) = MarkdownFences.Read("```inline``` code\n");

        problems.ShouldBeEmpty();
        blocks.ShouldBeEmpty();
    }

    [Fact]
    public void Read_CarriageReturnLineEndings_Balanced()
    {
        var (blocks, problems) = MarkdownFences.Read("```sh\r\nhaul demo\r\n```\r\n");

        problems.ShouldBeEmpty();
        blocks.ShouldHaveSingleItem().Code.ShouldBe("haul demo");
    }
}
