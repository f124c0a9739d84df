namespace Haul.Tests.Docs;

/// <summary>The repository's own documents, found from the test binaries by walking up to <c>Haul.slnx</c>.</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string Readme => Path.Combine(Root, "README.md");

    /// <summary>README.md and every docs/*.md, as paths relative to the root.</summary>
    public static IReadOnlyList<string> MarkdownDocuments()
    {
        var docs = Path.Combine(Root, "docs");
        var files = Directory.Exists(docs) ? Directory.GetFiles(docs, "*.md") : [];
        return ["README.md", .. files.Order(StringComparer.Ordinal).Select(file => Path.GetRelativePath(Root, file))];
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Haul.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Haul.slnx above {AppContext.BaseDirectory}: the tests run from inside the repository.");
    }
}
