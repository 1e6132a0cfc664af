using DelistPortal.Admin;

namespace DelistPortal.Tests.Admin;

/// <summary>The pager's state: which page each button reads, and the page index it shows after.</summary>
public sealed class KeysetPagingTests
{
    private sealed record Row(int Id);

    private static IReadOnlyList<Row> Rows(params int[] ids) => ids.Select(id => new Row(id)).ToList();

    [Fact]
    public void AViewNotCountedYetReadsItsFirstPageWithTheTotalWhateverTheButton()
    {
        var paging = new KeysetPaging<Row>(pageSize: 3);

        Assert.Equal(new PageMove<Row>(PageAt.First, null, null, WithTotal: true), paging.Plan(PageAt.Last));
    }

    [Fact]
    public async Task APageReadForALoadThatWasReplacedMeanwhileIsNotShown()
    {
        var paging = new KeysetPaging<Row>(pageSize: 3);
        paging.Show(paging.Plan(PageAt.First), Rows(1, 2, 3), moreBeyond: true, new GridTotal(8, Exact: true));
        using var replaced = new CancellationTokenSource();

        // The read answers although its load was cancelled while it ran.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => paging.MoveAsync(PageAt.Next, _ =>
        {
            replaced.Cancel();
            return Task.FromResult(new PageRead<Row>(Rows(4, 5, 6), false, null));
        }, replaced.Token));

        Assert.Equal(Rows(1, 2, 3), paging.Rows);
        Assert.Equal((0, true), (paging.FirstRow, paging.HasNext));
    }

    [Fact]
    public void NextPreviousAndLastReadFromTheRowsShownAndCountThePages()
    {
        var paging = new KeysetPaging<Row>(pageSize: 3);
        paging.Show(paging.Plan(PageAt.First), Rows(1, 2, 3), moreBeyond: true, new GridTotal(8, Exact: true));

        var next = paging.Plan(PageAt.Next);
        Assert.Equal(new PageMove<Row>(PageAt.Next, new Row(3), null, false), next);
        paging.Show(next, Rows(4, 5, 6), moreBeyond: true, null);
        Assert.Equal((3, true), (paging.FirstRow, paging.HasNext));

        // 8 rows in pages of 3: the last page is the third and holds 2.
        var last = paging.Plan(PageAt.Last);
        Assert.Equal(new PageMove<Row>(PageAt.Last, null, 2, false), last);
        paging.Show(last, Rows(7, 8), moreBeyond: true, null);
        Assert.Equal((6, false), (paging.FirstRow, paging.HasNext));

        var previous = paging.Plan(PageAt.Previous);
        Assert.Equal(new PageMove<Row>(PageAt.Previous, new Row(7), null, false), previous);
        paging.Show(previous, Rows(4, 5, 6), moreBeyond: true, null);
        Assert.Equal((3, true), (paging.FirstRow, paging.HasNext));

        // From the second page, "previous" is the first page read from the start.
        Assert.Equal(PageAt.First, paging.Plan(PageAt.Previous).At);
    }

    [Fact]
    public void ATotalThatIsOnlyMoreThanOffersNoLastPage()
    {
        var paging = new KeysetPaging<Row>(pageSize: 3);
        paging.Show(paging.Plan(PageAt.First), Rows(1, 2, 3), moreBeyond: true, new GridTotal(10_000, Exact: false));

        Assert.Equal(PageAt.First, paging.Plan(PageAt.Last).At);
        Assert.Equal(PageAt.Next, paging.Plan(PageAt.Next).At);
    }

    [Fact]
    public void APageReadBackwardsThatReachedTheStartShortIsReadAgainAsTheFirst()
    {
        var paging = new KeysetPaging<Row>(pageSize: 3);
        paging.Show(paging.Plan(PageAt.First), Rows(1, 2, 3), moreBeyond: true, new GridTotal(9, Exact: true));
        paging.Show(paging.Plan(PageAt.Next), Rows(4, 5, 6), moreBeyond: true, null);
        paging.Show(paging.Plan(PageAt.Next), Rows(7, 8, 9), moreBeyond: false, null);
        var previous = paging.Plan(PageAt.Previous);

        // Rows 1 to 5 were removed meanwhile: only row 6 comes before row 7.
        Assert.True(paging.ReachedTheStartShort(previous, rows: 1, moreBeyond: false));
        Assert.False(paging.ReachedTheStartShort(previous, rows: 3, moreBeyond: true));
    }

    [Fact]
    public void AJumpShowsItsRowsAtOnceAndNumbersThemWhenTheRowsBeforeThemAreCounted()
    {
        var paging = new KeysetPaging<Row>(pageSize: 3);

        var ticket = paging.ShowFrom(Rows(6, 7, 8), moreBeyond: true, new GridTotal(20, Exact: true));
        Assert.Equal((null, true), (paging.FirstRow, paging.HasNext));
        // Where the page is not known yet, the previous page is read backwards from its first row.
        Assert.Equal(new PageMove<Row>(PageAt.Previous, new Row(6), null, false), paging.Plan(PageAt.Previous));

        Assert.True(paging.Place(ticket, rowsBefore: 5));
        Assert.Equal(5, paging.FirstRow);
        paging.Show(paging.Plan(PageAt.Next), Rows(9, 10, 11), moreBeyond: true, null);
        Assert.Equal(8, paging.FirstRow);
    }

    [Fact]
    public void PagesReadBeforeAJumpIsCountedMoveWithItAndAStaleCountIsIgnored()
    {
        var paging = new KeysetPaging<Row>(pageSize: 3);
        var ticket = paging.ShowFrom(Rows(6, 7, 8), moreBeyond: true, new GridTotal(20, Exact: true));

        paging.Show(paging.Plan(PageAt.Next), Rows(9, 10, 11), moreBeyond: true, null);
        paging.Show(paging.Plan(PageAt.Next), Rows(12, 13, 14), moreBeyond: true, null);
        paging.Show(paging.Plan(PageAt.Previous), Rows(9, 10, 11), moreBeyond: true, null);
        Assert.Null(paging.FirstRow);
        Assert.True(paging.Place(ticket, rowsBefore: 5));
        Assert.Equal(8, paging.FirstRow);

        // A second jump, then the first page before its count arrives: neither count applies any more.
        var stale = paging.ShowFrom(Rows(2, 3, 4), moreBeyond: true, new GridTotal(20, Exact: true));
        Assert.False(paging.Place(ticket, rowsBefore: 5));
        paging.Show(paging.Plan(PageAt.First), Rows(1, 2, 3), moreBeyond: true, null);
        Assert.False(paging.Place(stale, rowsBefore: 1));
        Assert.Equal(0, paging.FirstRow);
    }

    [Fact]
    public void AResetMakesTheNextReadAFirstPageCountedAgain()
    {
        var paging = new KeysetPaging<Row>(pageSize: 3);
        paging.Show(paging.Plan(PageAt.First), Rows(1, 2, 3), moreBeyond: true, new GridTotal(9, Exact: true));

        paging.Reset();

        Assert.Equal(new PageMove<Row>(PageAt.First, null, null, WithTotal: true), paging.Plan(PageAt.Next));
    }
}
