using Haul.Distributed;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Haul.Tests.Distributed;

public sealed class RedisRetryTests
{
    [Fact]
    public async Task UntilDoneAsync_ConnectionLostTwice_RetriesAfterBackOffAndSucceeds()
    {
        var time = new FakeTimeProvider();
        var calls = 0;
        var task = RedisRetry.UntilDoneAsync(
            () => ++calls <= 2 ? throw new RedisConnectionException(ConnectionFailureType.SocketFailure, CommandFlags.None, "gone", null, CommandStatus.Unknown) : Task.FromResult(42),
            time,
            TestContext.Current.CancellationToken);

        calls.ShouldBe(1);
        time.Advance(TimeSpan.FromSeconds(1));
        calls.ShouldBe(2);
        time.Advance(TimeSpan.FromSeconds(1));

        (await task).ShouldBe(42);
        calls.ShouldBe(3);
    }

    [Fact]
    public async Task UntilDoneAsync_ScriptError_ThrowsAtOnce()
    {
        var task = RedisRetry.UntilDoneAsync<int>(() => throw new RedisServerException(RedisErrorKind.UnknownError, CommandFlags.None, "ERR bad script"), new FakeTimeProvider(), TestContext.Current.CancellationToken);

        await Should.ThrowAsync<RedisServerException>(task);
    }

    [Theory]
    [InlineData(0, 50, 100)]
    [InlineData(3, 400, 800)]
    [InlineData(20, 2500, 5000)]
    public void Delay_GrowsWithAttemptsUpToFiveSeconds(int attempt, double least, double most) =>
        RedisRetry.Delay(attempt).TotalMilliseconds.ShouldBeInRange(least, most);

    [Fact]
    public void IsTransient_LoadingAfterRestart_IsTransient()
    {
        RedisRetry.IsTransient(new RedisServerException(RedisErrorKind.Loading, CommandFlags.None, "LOADING Redis is loading the dataset in memory")).ShouldBeTrue();
        RedisRetry.IsTransient(new RedisServerException(RedisErrorKind.UnknownError, CommandFlags.None, "NOSCRIPT No matching script")).ShouldBeFalse();
        RedisRetry.IsTransient(new InvalidOperationException()).ShouldBeFalse();
    }
}
