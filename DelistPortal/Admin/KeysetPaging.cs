namespace DelistPortal.Admin;

/// <summary>Which page of a grid view to read.</summary>
public enum PageAt
{
    First,
    /// <summary>The rows after the last row shown.</summary>
    Next,
    /// <summary>The rows before the first row shown.</summary>
    Previous,
    Last,
}

/// <summary>How many rows a view holds: <see cref="Count"/> exactly, or (not <see cref="Exact"/>) more than <see cref="Count"/>.</summary>
public readonly record struct GridTotal(int Count, bool Exact);

/// <summary>A page to read: where, from which row shown, and for the last page how many rows it holds.</summary>
/// <param name="WithTotal">Count the view's total too: the first page of a new filter.</param>
public sealed record PageMove<TRow>(PageAt At, TRow? From, int? LastPageRows, bool WithTotal) where TRow : class;

/// <summary>
/// The paging state of a grid read by key (the listings, the history): the page shown, its rows, and the page each
/// of the pager's buttons reads. The next page is "the rows after the last one shown", the previous "the rows before
/// the first one shown", the last "the rows at the end, read backwards" — so every row of a million is reachable and
/// each page costs the same. The total is counted with the first page of a filter, not for every page.
/// </summary>
public sealed class KeysetPaging<TRow> where TRow : class
{
    private int _lastIndex;

    public KeysetPaging(int pageSize) => PageSize = pageSize;

    public int PageSize { get; set; }

    /// <summary>The page shown, from 0.</summary>
    public int PageIndex { get; private set; }

    public IReadOnlyList<TRow> Rows { get; private set; } = [];

    /// <summary>Whether rows follow the page shown.</summary>
    public bool HasNext { get; private set; }

    /// <summary>The view's total, once counted.</summary>
    public GridTotal? Total { get; private set; }

    /// <summary>After a change of the filter, or of the rows (an add, a delist): the next read is a first page, counted again.</summary>
    public void Reset() => Total = null;

    /// <summary>What a move of the pager reads; a move the page shown does not allow (or a view not counted yet) reads the first page.</summary>
    public PageMove<TRow> Plan(PageAt move)
    {
        if (Total is null)
        {
            return new PageMove<TRow>(PageAt.First, null, null, WithTotal: true);
        }
        switch (move)
        {
            case PageAt.Next when Rows.Count > 0:
                return new PageMove<TRow>(PageAt.Next, Rows[^1], null, false);
            case PageAt.Previous when Rows.Count > 0 && PageIndex > 1:
                return new PageMove<TRow>(PageAt.Previous, Rows[0], null, false);
            case PageAt.Last when Total is { Exact: true, Count: > 0 } total:
                _lastIndex = (total.Count - 1) / PageSize;
                return new PageMove<TRow>(PageAt.Last, null, total.Count - _lastIndex * PageSize, false);
            default:
                return new PageMove<TRow>(PageAt.First, null, null, false);
        }
    }

    /// <summary>
    /// Whether a page read backwards reached the start with fewer rows than a page (rows before it were removed
    /// meanwhile): then read a full first page instead, and show that.
    /// </summary>
    public bool ReachedTheStartShort(PageMove<TRow> move, int rows, bool moreBeyond) =>
        move.At == PageAt.Previous && !moreBeyond && rows < PageSize;

    /// <summary>Shows a page read for <paramref name="move"/>.</summary>
    /// <param name="moreBeyond">Whether rows follow the page in the direction read.</param>
    public void Show(PageMove<TRow> move, IReadOnlyList<TRow> rows, bool moreBeyond, GridTotal? total)
    {
        if (total is { } counted)
        {
            Total = counted;
        }
        (PageIndex, HasNext) = move.At switch
        {
            PageAt.Next => (PageIndex + 1, moreBeyond),
            // Rows removed before this page meanwhile: the start was reached.
            PageAt.Previous => (moreBeyond ? Math.Max(1, PageIndex - 1) : 0, true),
            PageAt.Last => (_lastIndex, false),
            _ => (0, moreBeyond),
        };
        Rows = rows;
    }

    /// <summary>A page that could not be read: nothing shown, counted again next time.</summary>
    public void Clear()
    {
        (Rows, HasNext, PageIndex) = ([], false, 0);
        Total = null;
    }
}
