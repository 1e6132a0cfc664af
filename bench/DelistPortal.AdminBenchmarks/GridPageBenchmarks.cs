using BenchmarkDotNet.Attributes;
using DelistPortal.Admin;
using DelistPortal.Blocklist;

namespace DelistPortal.AdminBenchmarks;

/// <summary>One page (25 rows) of the admin grid on 1,000,000 listings: a filter plus a sort, server-side, as the page asks for it.</summary>
[MemoryDiagnoser]
public class GridPageBenchmarks
{
    private BenchmarkDatabase _database = null!;

    [Params("active+reason, newest first", "reason, by network", "address search, by network", "status, by expiry", "detail text, newest first",
        "common text, newest first", "text in 1%, newest first", "text in no row, newest first", "common words in no row, newest first",
        "common trigrams in no row, newest first")]
    public string View { get; set; } = "";

    private ListingFilter Filter => View switch
    {
        "active+reason, newest first" => new ListingFilter { Status = ListingStatus.Active, Reason = ListingReason.Phishing, SortBy = ListingSortColumn.ListedAt, Descending = true },
        "reason, by network" => new ListingFilter { Status = null, Reason = ListingReason.Malware, SortBy = ListingSortColumn.Network, Descending = false },
        "address search, by network" => new ListingFilter { Status = null, Search = "11.7.161.37", SortBy = ListingSortColumn.Network },
        "status, by expiry" => new ListingFilter { Status = ListingStatus.Active, SortBy = ListingSortColumn.ExpiresAt, Descending = false },
        // In every row's detail ("Benchmark listing N: mail to spam traps from this host.").
        "common text, newest first" => new ListingFilter { Status = null, Search = "spam traps", SortBy = ListingSortColumn.ListedAt, Descending = true },
        // 11,111 rows (listings 12, 120-129, ...): just over the lookup's cap, so walked.
        "text in 1%, newest first" => new ListingFilter { Status = null, Search = "listing 12", SortBy = ListingSortColumn.ListedAt, Descending = true },
        "text in no row, newest first" => new ListingFilter { Status = null, Search = "no such listing", SortBy = ListingSortColumn.ListedAt, Descending = true },
        // Both words in every row, never in this order; its trigram across them ("s m") is in no row.
        "common words in no row, newest first" => new ListingFilter { Status = null, Search = "traps mail", SortBy = ListingSortColumn.ListedAt, Descending = true },
        // Every trigram of it, across the words too ("is ", "s f"), in every row; the text in none: no trigram index can tell.
        "common trigrams in no row, newest first" => new ListingFilter { Status = null, Search = "this from", SortBy = ListingSortColumn.ListedAt, Descending = true },
        // One row, made of words that are in every row.
        _ => new ListingFilter { Status = null, Search = "Benchmark listing 77777:", SortBy = ListingSortColumn.ListedAt, Descending = true },
    };

    [GlobalSetup]
    public void Setup() => _database = BenchmarkDatabase.OpenOrCreate();

    [Benchmark]
    public async Task<ListingPage> FirstPage()
    {
        // One request, as the Listings page asks for a first page with its total.
        return await ListingAdminService.ReadPageAsync(_database, new ListingPageRequest(Filter, 25) { WithTotal = true }, CancellationToken.None);
    }

    [Benchmark]
    public async Task<ListingPage> NextPage()
    {
        var first = await ListingAdminService.ReadPageAsync(_database, new ListingPageRequest(Filter, 25), CancellationToken.None);
        return await ListingAdminService.ReadPageAsync(_database, new ListingPageRequest(Filter, 25) { At = PageAt.Next, From = first.Items[^1] }, CancellationToken.None);
    }
}
