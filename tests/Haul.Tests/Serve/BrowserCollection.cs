namespace Haul.Tests.Serve;

/// <summary>
/// The browser tests share one Chromium and run alone: a browser, a daemon and a trickling server
/// beside the rest of the suite on a two-core machine would starve each other.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
