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

/// <summary>A page as read: its rows, whether more follow in the direction read, and the view's total if counted.</summary>
public sealed record PageRead<TRow>(IReadOnlyList<TRow> Rows, bool MoreBeyond, GridTotal? Total);

/// <summary>
/// The paging state of a grid read by key (the listings, the history): the page shown, its rows, and the page each
/// of the pager's buttons reads. The next page is "the rows after the last one shown", the previous "the rows before
/// the first one shown", the last "the rows at the end, read backwards" — so every row of a million is reachable and
/// each page costs the same. The total is counted with the first page of a filter, not for every page.
/// </summary>
public sealed class KeysetPaging<TRow> where TRow : class
{
    public KeysetPaging(int pageSize) => PageSize = pageSize;

    public int PageSize { get; set; }

    /// <summary>The position of the first row shown in the view, from 0 (a page need not start at a multiple of the page size: see <see cref="ShowFrom"/>).</summary>
    public int FirstRow { get; private set; }

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
        return move switch
        {
            PageAt.Next when Rows.Count > 0 => new PageMove<TRow>(PageAt.Next, Rows[^1], null, false),
            // Within a page of the start, the previous page is the first one.
            PageAt.Previous when Rows.Count > 0 && FirstRow > PageSize => new PageMove<TRow>(PageAt.Previous, Rows[0], null, false),
            PageAt.Last when Total is { Exact: true, Count: > 0 } total => new PageMove<TRow>(PageAt.Last, null, LastPageRows(total.Count), false),
            _ => new PageMove<TRow>(PageAt.First, null, null, false),
        };
    }

    /// <summary>
    /// Reads and shows the page a move of the pager asks for. A page read backwards that reached the start with fewer
    /// rows than a page (rows before it were removed meanwhile) is read again as a full first page.
    /// </summary>
    /// <returns>The rows shown.</returns>
    public async Task<IReadOnlyList<TRow>> MoveAsync(PageAt move, Func<PageMove<TRow>, Task<PageRead<TRow>>> read)
    {
        var planned = Plan(move);
        var page = await read(planned);
        if (ReachedTheStartShort(planned, page.Rows.Count, page.MoreBeyond))
        {
            planned = planned with { At = PageAt.First, From = null };
            page = await read(planned);
        }
        Show(planned, page.Rows, page.MoreBeyond, page.Total);
        return page.Rows;
    }

    /// <summary>Whether a page read backwards reached the start with fewer rows than a page.</summary>
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
        (FirstRow, HasNext) = move.At switch
        {
            PageAt.Next => (FirstRow + Rows.Count, moreBeyond),
            // Nothing before it (rows removed meanwhile, or the start): the first row of the view.
            PageAt.Previous => (moreBeyond ? Math.Max(1, FirstRow - rows.Count) : 0, true),
            PageAt.Last => (Total is { } all ? all.Count - rows.Count : 0, false),
            _ => (0, moreBeyond),
        };
        Rows = rows;
    }

    /// <summary>Shows a page that starts at the view's row <paramref name="firstRow"/> (a jump to a key), with the view's total.</summary>
    public void ShowFrom(int firstRow, IReadOnlyList<TRow> rows, bool moreBeyond, GridTotal total)
    {
        (Total, FirstRow, Rows, HasNext) = (total, Math.Max(0, firstRow), rows, moreBeyond);
    }

    /// <summary>A page that could not be read: nothing shown, counted again next time.</summary>
    public void Clear()
    {
        (Rows, HasNext, FirstRow) = ([], false, 0);
        Total = null;
    }

    // The last page holds what the full pages before it leave.
    private int LastPageRows(int total) => total - (total - 1) / PageSize * PageSize;
}
