namespace Haul.Tests.Docs;

public sealed class ReadmeSampleTests
{
    private static readonly string[] CSharpNames = ["csharp", "cs", "c#"];

    [Fact]
    public void Compile_EveryCSharpBlockOfTheReadme_CompilesAgainstHaulCore()
    {
        var (blocks, problems) = MarkdownFences.Read(File.ReadAllText(RepositoryFiles.Readme));
        problems.ShouldBeEmpty(string.Join('\n', problems));
        var samples = blocks.Where(block => CSharpNames.Contains(block.Language)).ToList();

        samples.ShouldNotBeEmpty("README.md has no ```csharp block to check");
        var messages = samples.SelectMany(sample => SampleCompiler.Compile(sample.Code, "README.md", sample.OpenLine + 1)).ToList();

        messages.ShouldBeEmpty($"README.md's C# samples do not compile:\n{string.Join('\n', messages)}");
    }

    [Fact]
    public void Compile_SampleMissingAUsing_FailsWithTheCompilersMessageAtTheReadmeLine()
    {
        const string code = """
            using Haul;

            using var downloader = new Downloader();
            await foreach (var result in downloader.DownloadAsync(["https://example.org/a.jpg"]))
            {
                Console.WriteLine(result.Error?.Kind.ToName());
            }
            """;

        var messages = SampleCompiler.Compile(code, "README.md", 450);

        messages.ShouldHaveSingleItem().ShouldStartWith("README.md(455,42): error CS1061:");
        messages[0].ShouldContain("ToName");
    }

    [Fact]
    public void Compile_SampleUsingAnInternalType_Fails()
    {
        // Haul.Tests sees Haul.Core's internals; a reader's program does not, and neither may a sample.
        var messages = SampleCompiler.Compile("var gate = typeof(Haul.Storage.AtomicRename);");

        messages.ShouldHaveSingleItem().ShouldContain("error CS0122");
    }

    [Fact]
    public void Compile_SampleWithANullableWarning_Fails()
    {
        var messages = SampleCompiler.Compile("string? name = Environment.GetEnvironmentVariable(\"HOME\");\nConsole.WriteLine(name.Length);");

        messages.ShouldHaveSingleItem().ShouldContain("warning CS8602");
    }

    [Fact]
    public void Compile_ImplicitUsingsAndTheLibrary_Compiles()
    {
        const string code = """
            using Haul;
            using Haul.Crawling;

            var options = new DownloadOptions { Directory = Path.Combine("out", "x") };
            using var crawler = new Crawler(options, new CrawlOptions { Depth = 1 });
            var names = new List<string> { "a" }.Select(name => name.ToUpperInvariant()).ToList();
            await Task.Yield();
            """;

        SampleCompiler.Compile(code).ShouldBeEmpty();
    }
}
