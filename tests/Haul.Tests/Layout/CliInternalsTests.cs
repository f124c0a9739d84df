using System.Text.RegularExpressions;
using Haul.Tests.Docs;

namespace Haul.Tests.Layout;

/// <summary>
/// The tool talks to the library through its public API; the internal types it still uses are
/// listed, each with its reason, in README's Layout section. A new internal use fails here.
/// </summary>
public sealed partial class CliInternalsTests
{
    [Fact]
    public void CliAssembly_InternalLibraryTypes_AreTheOnesReadmeLists()
    {
        var used = InternalLibraryTypesUsedByCli();
        var listed = ReadmeAllowList();

        var unlisted = used.Except(listed.Keys).ToList();
        var stale = listed.Keys.Except(used).ToList();

        unlisted.ShouldBeEmpty($"haul uses internal types of Haul.Core that README's Layout section does not list (make them public, or list them with a reason): {string.Join(", ", unlisted)}");
        stale.ShouldBeEmpty($"README's Layout section lists internal types haul no longer uses: {string.Join(", ", stale)}");
        listed.Where(entry => entry.Value.Length == 0).Select(entry => entry.Key).ShouldBeEmpty("each listed type gives its reason");
    }

    [Fact]
    public void InternalLibraryTypesUsedByCli_ToolWritesSafeText_FindsTheInternalType()
    {
        // The reader itself: were it blind, the test above would pass for nothing.
        InternalLibraryTypesUsedByCli().ShouldContain("Haul.Actions.DisplayText");
        InternalLibraryTypesUsedByCli().ShouldNotContain("Haul.Downloader");
    }

    [Fact]
    public void CliAssembly_DistributedCommands_ReachNoInternalJobType()
    {
        // enqueue, worker, status, crawl --queue and dataset --queue go through the public Job;
        // only the JSON shape of a result, shared with the queue's results stream, stays inside.
        InternalLibraryTypesUsedByCli()
            .Where(name => name.StartsWith("Haul.Distributed.", StringComparison.Ordinal))
            .ShouldBe(["Haul.Distributed.ResultJson"]);
    }

    /// <summary>Haul.Core's non-public types that haul's metadata and IL refer to, by full name.</summary>
    private static List<string> InternalLibraryTypesUsedByCli()
    {
        var library = typeof(Downloader).Assembly;
        return TypeReferences.Read(typeof(Haul.Cli.HaulCli).Assembly.Location)
            .Select(reference => reference.To)
            .Where(type => type.External == "Haul.Core")
            .Select(type => type.ToString())
            .Distinct()
            .Where(name => library.GetType(name) is { IsPublic: false })
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The rows <c>| `Haul.X.Y` | reason |</c> of README's Layout section.</summary>
    private static Dictionary<string, string> ReadmeAllowList()
    {
        var readme = File.ReadAllText(RepositoryFiles.Readme).ReplaceLineEndings("\n");
        var start = readme.IndexOf("\n## Layout\n", StringComparison.Ordinal);
        start.ShouldBeGreaterThan(0, "README.md has a '## Layout' section");
        var end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var section = end < 0 ? readme[start..] : readme[start..end];
        return AllowRow().Matches(section).ToDictionary(match => match.Groups[1].Value, match => match.Groups[2].Value.Trim(), StringComparer.Ordinal);
    }

    [GeneratedRegex(@"^\| `(Haul\.[\w.]+)` \|([^|\n]*)\|$", RegexOptions.Multiline)]
    private static partial Regex AllowRow();
}
