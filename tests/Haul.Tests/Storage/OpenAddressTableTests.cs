using Haul.Storage;
using Shouldly;
using Xunit;

namespace Haul.Tests.Storage;

/// <summary>The packed table behind the run's name and URL reservations: keys found, kept apart and removed across collisions and growth.</summary>
public sealed class OpenAddressTableTests
{
    [Fact]
    public void TryAdd_SameKeyTwice_FalseWithTheStoredEntry()
    {
        var table = new OpenAddressTable<Pair>();

        table.TryAdd(new Pair(7, 70), out _).ShouldBeTrue();
        table.TryAdd(new Pair(7, 71), out var existing).ShouldBeFalse();

        existing.Value.ShouldBe(70);
        table.Count.ShouldBe(1);
    }

    [Fact]
    public void TryAdd_EmptyEntry_Throws()
    {
        var table = new OpenAddressTable<Pair>();

        Should.Throw<ArgumentException>(() => table.TryAdd(default, out _));
    }

    [Fact]
    public void TryAdd_KeysThatShareOneHash_AllKeptApart()
    {
        // Every key hashes alike: one probe run holds them all, across several growths of its
        // segment and splits that send every entry the same way.
        var table = new OpenAddressTable<Pair>();
        for (var key = 1; key <= 1_000; key++)
        {
            table.TryAdd(new Pair(key, key * 10, hash: 42), out _).ShouldBeTrue();
        }

        for (var key = 1; key <= 1_000; key++)
        {
            table.TryGet(new Pair(key, 0, hash: 42), out var found).ShouldBeTrue();
            found.Value.ShouldBe(key * 10);
        }

        table.TryGet(new Pair(1_001, 0, hash: 42), out _).ShouldBeFalse();
        table.Count.ShouldBe(1_000);
    }

    [Fact]
    public void Remove_InTheMiddleOfACollidingRun_LaterKeysStillFound()
    {
        var table = new OpenAddressTable<Pair>();
        for (var key = 1; key <= 5; key++)
        {
            table.TryAdd(new Pair(key, key, hash: 9), out _);
        }

        table.Remove(new Pair(2, 0, hash: 9)).ShouldBeTrue();
        table.Remove(new Pair(2, 0, hash: 9)).ShouldBeFalse();

        table.TryGet(new Pair(2, 0, hash: 9), out _).ShouldBeFalse();
        foreach (var key in new[] { 1, 3, 4, 5 })
        {
            table.TryGet(new Pair(key, 0, hash: 9), out _).ShouldBeTrue();
        }

        table.TryAdd(new Pair(2, 20, hash: 9), out _).ShouldBeTrue();
        table.Count.ShouldBe(5);
    }

    [Fact]
    public void Operations_RandomAddsAndRemovesWithFewHashes_AgreeWithADictionary()
    {
        // Few distinct hashes, so runs wrap around segment ends and removals shift entries back.
        AgreesWithADictionary(seed: 1234, steps: 60_000, keys: 5_000, removeOneIn: 3, hashOf: key => (ulong)(key % 37));
    }

    [Fact]
    public void Operations_ManyKeysAddedAndRemovedWhileSegmentsGrowAndSplit_AgreeWithADictionary()
    {
        // Distinct hashes: segments take pages one by one and split while removals shift entries
        // back across page boundaries and around each segment's end.
        AgreesWithADictionary(seed: 99, steps: 200_000, keys: 120_000, removeOneIn: 4, hashOf: null);
    }

    [Fact]
    public void TryAdd_ManyKeys_FoundAfterGrowthAndRoomStaysProportional()
    {
        var table = new OpenAddressTable<Pair>();
        for (var key = 1; key <= 200_000; key++)
        {
            table.TryAdd(new Pair(key, -key), out _).ShouldBeTrue();
        }

        for (var key = 1; key <= 200_000; key++)
        {
            table.TryGet(new Pair(key, 0), out var found).ShouldBeTrue();
            found.Value.ShouldBe(-key);
        }

        table.Count.ShouldBe(200_000);
        // Segments at most 15/16 full, and growing a page at a time before they split keeps them
        // more than four fifths full on average (segments that split as soon as they filled used
        // two thirds to three quarters of their slots): never the 3x and more of a hash table
        // whose one array doubled just before.
        table.Capacity.ShouldBeGreaterThanOrEqualTo(200_000 * 16 / 15);
        table.Capacity.ShouldBeLessThan(200_000 * 5 / 4);
    }

    [Fact]
    public void Remove_HalfOfManyKeys_TheOtherHalfStillFound()
    {
        var table = new OpenAddressTable<Pair>();
        for (var key = 1; key <= 50_000; key++)
        {
            table.TryAdd(new Pair(key, key), out _);
        }

        for (var key = 2; key <= 50_000; key += 2)
        {
            table.Remove(new Pair(key, 0)).ShouldBeTrue();
        }

        for (var key = 1; key <= 50_000; key++)
        {
            table.TryGet(new Pair(key, 0), out _).ShouldBe(key % 2 == 1);
        }

        table.Count.ShouldBe(25_000);
    }

    /// <summary>
    /// Random adds (the step as value) and removes of keys below <paramref name="keys"/>, each
    /// answered as a <see cref="Dictionary{TKey, TValue}"/> answers it, then every key looked up.
    /// </summary>
    private static void AgreesWithADictionary(int seed, int steps, long keys, int removeOneIn, Func<long, ulong>? hashOf)
    {
        var random = new Random(seed);
        var table = new OpenAddressTable<Pair>();
        var model = new Dictionary<long, long>();
        for (var step = 0; step < steps; step++)
        {
            var key = random.NextInt64(1, keys);
            var hash = hashOf?.Invoke(key);
            if (random.Next(removeOneIn) == 0)
            {
                table.Remove(new Pair(key, 0, hash)).ShouldBe(model.Remove(key));
            }
            else
            {
                table.TryAdd(new Pair(key, step, hash), out var existing).ShouldBe(model.TryAdd(key, step));
                if (model[key] != step)
                {
                    existing.Value.ShouldBe(model[key]);
                }
            }
        }

        table.Count.ShouldBe(model.Count);
        for (var key = 1L; key < keys; key++)
        {
            table.TryGet(new Pair(key, 0, hashOf?.Invoke(key)), out var found).ShouldBe(model.TryGetValue(key, out var value));
            found.Value.ShouldBe(model.ContainsKey(key) ? value : 0);
        }
    }

    /// <summary>A test entry whose hash can be forced, so that keys collide at will.</summary>
    private readonly struct Pair(long key, long value, ulong? hash = null) : ITableEntry<Pair>
    {
        private readonly long _key = key;
        private readonly ulong _hash = hash ?? (ulong)key;

        public long Value { get; } = value;

        public ulong Hash => _hash;

        public bool IsEmpty => _key == 0;

        public bool SameKey(in Pair other) => other._key == _key;
    }
}
