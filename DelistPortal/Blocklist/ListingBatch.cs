namespace DelistPortal.Blocklist;

/// <summary>
/// A batch of drafts that <see cref="BlocklistService.PrepareManyAsync"/> checked against the list as it then was: the
/// results already decided (invalid, already listed) and the new listings to write with
/// <see cref="BlocklistService.WriteManyAsync"/>. Written once.
/// </summary>
public sealed class ListingBatch
{
    internal ListingBatch(IReadOnlyList<ListingDraft> drafts, ChangeResult[] results, List<(int Index, Listing Listing, ListingEventKind Kind)> added,
        DateTimeOffset preparedAt)
    {
        (Drafts, Results, Added, PreparedAt) = (drafts, results, added, preparedAt);
    }

    public IReadOnlyList<ListingDraft> Drafts { get; }

    /// <summary>The listings' time and their history's: the batch's "now".</summary>
    public DateTimeOffset PreparedAt { get; }

    internal ChangeResult[] Results { get; }

    internal List<(int Index, Listing Listing, ListingEventKind Kind)> Added { get; }
}
