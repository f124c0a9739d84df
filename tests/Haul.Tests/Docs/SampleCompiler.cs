using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Haul.Tests.Docs;

/// <summary>
/// Compiles a documentation sample as a reader would paste it: the whole text as the Program.cs
/// of a console app with top-level statements, the SDK's implicit usings and nullable on,
/// referencing the .NET runtime and the Haul.Core package (with what it depends on), nothing else.
/// </summary>
internal static class SampleCompiler
{
    // What Microsoft.NET.Sdk adds to a console project with ImplicitUsings enabled.
    private const string ImplicitUsings = """
        global using global::System;
        global using global::System.Collections.Generic;
        global using global::System.IO;
        global using global::System.Linq;
        global using global::System.Net.Http;
        global using global::System.Threading;
        global using global::System.Threading.Tasks;
        """;

    private static readonly Lazy<IReadOnlyList<MetadataReference>> References = new(LoadReferences);

    /// <summary>
    /// The compiler's errors and warnings, each as <c>FILE(LINE,COL): error CSnnnn: message</c>
    /// with lines counted in <paramref name="fileName"/> from <paramref name="firstLine"/>; empty when it compiles cleanly.
    /// </summary>
    public static IReadOnlyList<string> Compile(string code, string fileName = "sample.cs", int firstLine = 1)
    {
        var options = CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Latest);
        var program = CSharpSyntaxTree.ParseText($"#line {firstLine} \"{fileName}\"\n{code}\n", options, path: "Program.cs");
        var usings = CSharpSyntaxTree.ParseText(ImplicitUsings, options, path: "GlobalUsings.g.cs");
        var compilation = CSharpCompilation.Create(
            "ReadmeSample",
            [usings, program],
            References.Value,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));

        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        return result.Diagnostics
            .Where(diagnostic => diagnostic.Severity >= DiagnosticSeverity.Warning)
            .Select(diagnostic => diagnostic.ToString())
            .ToList();
    }

    private static IReadOnlyList<MetadataReference> LoadReferences()
    {
        // The runtime this test runs on: every assembly of Microsoft.NETCore.App, the framework a
        // console app references (not ASP.NET Core, which only the test project adds).
        var framework = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(path => string.Equals(Path.GetDirectoryName(path), framework, StringComparison.Ordinal));

        // The package: Haul.Core and the assemblies it references from NuGet, which a project
        // referencing the package gets too.
        var library = typeof(Downloader).Assembly;
        var packages = library.GetReferencedAssemblies()
            .Select(name => Path.Combine(AppContext.BaseDirectory, name.Name + ".dll"))
            .Where(File.Exists);

        return [.. platform.Concat([library.Location]).Concat(packages).Distinct(StringComparer.Ordinal)
            .Select(path => MetadataReference.CreateFromFile(path))];
    }
}
