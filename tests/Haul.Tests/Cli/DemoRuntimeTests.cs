using System.Text.Json;
using System.Xml.Linq;

namespace Haul.Tests.Cli;

/// <summary>The haul tool runs on the base .NET runtime alone: no ASP.NET Core shared framework.</summary>
public sealed class DemoRuntimeTests
{
    [Fact]
    public void RuntimeConfig_BuiltTool_NamesOnlyTheBaseRuntime()
    {
        // The build copies the referenced tool's runtimeconfig.json next to the tests.
        var path = Path.Combine(AppContext.BaseDirectory, "haul.runtimeconfig.json");
        using var config = JsonDocument.Parse(File.ReadAllText(path));
        var options = config.RootElement.GetProperty("runtimeOptions");

        var names = options.TryGetProperty("frameworks", out var frameworks)
            ? frameworks.EnumerateArray().Select(framework => framework.GetProperty("name").GetString()).ToList()
            : [options.GetProperty("framework").GetProperty("name").GetString()];

        names.ShouldBe(["Microsoft.NETCore.App"]);
    }

    [Fact]
    public void Project_CliProject_ReferencesNoSharedFrameworkButTheBase()
    {
        var project = XDocument.Load(Path.Combine(RepositoryRoot(), "src", "Haul.Cli", "Haul.Cli.csproj"));

        var references = project.Descendants("FrameworkReference").Select(reference => (string?)reference.Attribute("Include")).ToList();

        references.ShouldNotContain("Microsoft.AspNetCore.App");
        references.ShouldBeEmpty();
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Haul.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("Haul.slnx is not above the test binaries.");
    }
}
