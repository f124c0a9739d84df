using Haul.Crawling;
using Haul.Distributed;

namespace Haul.Tests.Distributed;

/// <summary>The job connection's own steps against a real redis-server.</summary>
public sealed class JobConnectionTests : IAsyncLifetime
{
    private RedisServer _redis = null!;

    public async ValueTask InitializeAsync() => _redis = await RedisServer.StartAsync();

    public ValueTask DisposeAsync() => _redis.DisposeAsync();

    [Fact]
    public async Task JoinCrawlAsync_FirstSettingsThenOthers_FirstHoldAndOnlyTheyAreTheJobs()
    {
        JobAddress.TryParse(_redis.Job("join"), out var address, out _).ShouldBeTrue();
        var first = CrawlSettings.From(new CrawlOptions { Depth = 2 }, "first-agent");
        var other = CrawlSettings.From(new CrawlOptions { Depth = 5 }, "other-agent");
        await using var connection = await JobConnection.ConnectAsync(address, TestContext.Current.CancellationToken);

        (await connection.JoinCrawlAsync(first)).ShouldBeTrue();
        (await connection.JoinCrawlAsync(other)).ShouldBeFalse();
        (await connection.JoinCrawlAsync(first)).ShouldBeTrue();
        ((string?)await _redis.Database.StringGetAsync(new JobKeys("join").Crawl)).ShouldBe(first.ToJson());
    }
}
