namespace Haul.Tests.Crawling;

/// <summary>
/// Tests that bound what a call allocates read the process-wide allocation counter, so they run
/// alone: tests running alongside would add their allocations to the count.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationCollection
{
    public const string Name = "Allocation";
}
