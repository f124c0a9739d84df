namespace Haul.Storage;

/// <summary>A fixed-size entry of an <see cref="OpenAddressTable{TEntry}"/>: its key, hashed, and a way to compare keys.</summary>
/// <typeparam name="TEntry">The entry type itself.</typeparam>
internal interface ITableEntry<TEntry>
    where TEntry : struct
{
    /// <summary>The key's hash; the table mixes it again, so a plain hash of the key will do.</summary>
    ulong Hash { get; }

    /// <summary>True for <c>default</c>, the value of a free slot; no stored entry may look like it.</summary>
    bool IsEmpty { get; }

    bool SameKey(in TEntry other);
}
