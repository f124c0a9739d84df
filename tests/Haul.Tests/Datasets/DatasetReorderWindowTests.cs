using Haul.Datasets;

namespace Haul.Tests.Datasets;

public sealed class DatasetReorderWindowTests
{
    [Fact]
    public async Task ReadInOrderAsync_CompletedOutOfOrder_YieldsInSequenceOrder()
    {
        using var window = new DatasetReorderWindow<string>(8);
        for (var i = 0; i < 5; i++)
        {
            (await window.AdmitAsync(TestContext.Current.CancellationToken)).ShouldBe(i);
        }

        window.EndAdmission();
        foreach (var i in new[] { 3, 1, 4, 0, 2 })
        {
            window.Complete(i, $"item {i}");
        }

        var read = await window.ReadInOrderAsync(TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);

        read.ShouldBe(["item 0", "item 1", "item 2", "item 3", "item 4"]);
    }

    [Fact]
    public async Task ReadInOrderAsync_OldestNotFinished_WaitsForItAndYieldsNothingAfterIt()
    {
        using var window = new DatasetReorderWindow<int>(4);
        for (var i = 0; i < 3; i++)
        {
            await window.AdmitAsync(TestContext.Current.CancellationToken);
        }

        window.EndAdmission();
        window.Complete(1, 1);
        window.Complete(2, 2);
        await using var reader = window.ReadInOrderAsync(TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);
        var first = reader.MoveNextAsync().AsTask();

        first.IsCompleted.ShouldBeFalse();
        window.Complete(0, 0);
        (await first.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken)).ShouldBeTrue();
        reader.Current.ShouldBe(0);
        (await reader.MoveNextAsync()).ShouldBeTrue();
        reader.Current.ShouldBe(1);
        (await reader.MoveNextAsync()).ShouldBeTrue();
        reader.Current.ShouldBe(2);
        (await reader.MoveNextAsync()).ShouldBeFalse();
    }

    [Fact]
    public async Task AdmitAsync_WindowFull_WaitsUntilTheOldestIsReadPast()
    {
        using var window = new DatasetReorderWindow<int>(2);
        await window.AdmitAsync(TestContext.Current.CancellationToken);
        await window.AdmitAsync(TestContext.Current.CancellationToken);
        // Finished but not read: still in the window, so still holding its room.
        window.Complete(1, 1);

        var third = window.AdmitAsync(TestContext.Current.CancellationToken).AsTask();

        third.IsCompleted.ShouldBeFalse();
        window.Complete(0, 0);
        third.IsCompleted.ShouldBeFalse("finished is not read: the room is freed when the reader moves past an item");
        await using var reader = window.ReadInOrderAsync(TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);
        (await reader.MoveNextAsync()).ShouldBeTrue();
        third.IsCompleted.ShouldBeFalse();
        (await reader.MoveNextAsync()).ShouldBeTrue();
        (await third.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken)).ShouldBe(2);
    }

    [Fact]
    public async Task Complete_NotAdmittedOrTwice_Throws()
    {
        using var window = new DatasetReorderWindow<int>(2);
        await window.AdmitAsync(TestContext.Current.CancellationToken);

        Should.Throw<InvalidOperationException>(() => window.Complete(1, 1));
        window.Complete(0, 0);
        Should.Throw<InvalidOperationException>(() => window.Complete(0, 0));
    }

    [Fact]
    public async Task ReadInOrderAsync_Cancelled_StopsWaiting()
    {
        using var window = new DatasetReorderWindow<int>(2);
        await window.AdmitAsync(TestContext.Current.CancellationToken);
        using var cancel = new CancellationTokenSource();
        await using var reader = window.ReadInOrderAsync(cancel.Token).GetAsyncEnumerator(cancel.Token);
        var next = reader.MoveNextAsync().AsTask();

        await cancel.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => next.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
    }
}
