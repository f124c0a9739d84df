using System.Runtime.CompilerServices;

namespace Haul.Datasets;

/// <summary>
/// Puts items that finish in any order back in their sequence order, and bounds how many are
/// between admission and being read back: an item is numbered when admitted
/// (<see cref="AdmitAsync"/> waits while <c>size</c> are admitted and not yet read), finished with
/// <see cref="Complete"/> from any thread, and <see cref="ReadInOrderAsync"/> yields them 0, 1, 2, ...
/// So memory holds at most <c>size</c> items however slow the oldest one is, and a slow item holds
/// back admission, never the order.
/// </summary>
/// <typeparam name="T">What is carried for each item.</typeparam>
internal sealed class DatasetReorderWindow<T> : IDisposable
{
    private readonly SemaphoreSlim _free;
    private readonly Dictionary<long, T> _done = [];
    private readonly Lock _gate = new();
    private long _admitted;
    private long _next;
    private bool _ended;
    private TaskCompletionSource? _waiter;

    public DatasetReorderWindow(int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        Size = size;
        _free = new SemaphoreSlim(size, size);
    }

    public int Size { get; }

    /// <summary>Waits for room in the window, then returns the item's sequence number.</summary>
    public async ValueTask<long> AdmitAsync(CancellationToken cancellationToken)
    {
        await _free.WaitAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            if (_ended)
            {
                throw new InvalidOperationException("Admission has ended.");
            }

            return _admitted++;
        }
    }

    /// <summary>Says no item comes after those admitted: reading ends once they are all read.</summary>
    public void EndAdmission()
    {
        TaskCompletionSource? waiter;
        lock (_gate)
        {
            _ended = true;
            (waiter, _waiter) = (_waiter, null);
        }

        waiter?.TrySetResult();
    }

    /// <summary>Finishes the admitted item <paramref name="sequence"/>.</summary>
    public void Complete(long sequence, T item)
    {
        TaskCompletionSource? waiter = null;
        lock (_gate)
        {
            if (sequence < _next || sequence >= _admitted || !_done.TryAdd(sequence, item))
            {
                throw new InvalidOperationException($"Item {sequence} was not admitted or is finished already.");
            }

            if (sequence == _next)
            {
                (waiter, _waiter) = (_waiter, null);
            }
        }

        waiter?.TrySetResult();
    }

    /// <summary>Yields the items in sequence order as each and all before it are finished; frees an item's room when the next is asked for.</summary>
    public async IAsyncEnumerable<T> ReadInOrderAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Task? wait = null;
            var found = false;
            var finished = false;
            T item = default!;
            lock (_gate)
            {
                if (_done.Remove(_next, out var done))
                {
                    _next++;
                    (found, item) = (true, done);
                }
                else if (_ended && _next == _admitted)
                {
                    finished = true;
                }
                else
                {
                    _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    wait = _waiter.Task;
                }
            }

            if (finished)
            {
                yield break;
            }

            if (!found)
            {
                await wait!.WaitAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            yield return item;
            _free.Release();
        }
    }

    public void Dispose() => _free.Dispose();
}
