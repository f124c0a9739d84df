using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;

namespace Haul.Cli;

/// <summary><c>haul --version</c>: the version and the commit it was built from.</summary>
internal sealed class VersionAction : SynchronousCommandLineAction
{
    public override bool ClearsParseErrors => true;

    public override int Invoke(ParseResult parseResult)
    {
        parseResult.InvocationConfiguration.Output.WriteLine(Text());
        return ExitCodes.Success;
    }

    /// <summary><c>haul 0.1.0 (commit 4be4167)</c>; the SDK adds the commit to the informational version when it builds from git.</summary>
    internal static string Text()
    {
        var informational = typeof(VersionAction).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        if (plus < 0)
        {
            return $"haul {informational}";
        }

        var commit = informational[(plus + 1)..];
        return $"haul {informational[..plus]} (commit {commit[..Math.Min(commit.Length, 12)]})";
    }
}
