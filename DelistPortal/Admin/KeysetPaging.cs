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

    // Where the page shown is, as rows from an anchor whose own place in the view may still be counted (a jump to a
    // key shows its rows at once and learns how many rows come before them later: see ShowFrom and Place).
    private int _rowsFromAnchor;
    private int? _anchorRow = 0;
    private int _jumps;

    /// <summary>
    /// The position of the first row shown in the view, from 0 (a page need not start at a multiple of the page size:
    /// see <see cref="ShowFrom"/>); null while the rows before a jump's page are still being counted.
    /// </summary>
    public int? FirstRow => _anchorRow + _rowsFromAnchor;

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
            // Within a page of the start, the previous page is the first one (not known yet after a jump: read back).
            PageAt.Previous when Rows.Count > 0 && (FirstRow is not { } first || first > PageSize) => new PageMove<TRow>(PageAt.Previous, Rows[0], null, false),
            PageAt.Last when Total is { Exact: true, Count: > 0 } total => new PageMove<TRow>(PageAt.Last, null, LastPageRows(total.Count), false),
            _ => new PageMove<TRow>(PageAt.First, null, null, false),
        };
    }

    /// <summary>
    /// Reads and shows the page a move of the pager asks for. A page read backwards that reached the start with fewer
    /// rows than a page (rows before it were removed meanwhile) is read again as a full first page.
    /// </summary>
    /// <param name="cancellationToken">
    /// The load's: cancelled when a later load replaced it (the grid's next search or reload). Its page is then not
    /// shown, even if the read answered before it saw the cancellation: it would replace the later load's rows.
    /// </param>
    /// <returns>The rows shown.</returns>
    public async Task<IReadOnlyList<TRow>> MoveAsync(PageAt move, Func<PageMove<TRow>, Task<PageRead<TRow>>> read, CancellationToken cancellationToken = default)
    {
        var planned = Plan(move);
        var page = await read(planned);
        cancellationToken.ThrowIfCancellationRequested();
        if (ReachedTheStartShort(planned, page.Rows.Count, page.MoreBeyond))
        {
            planned = planned with { At = PageAt.First, From = null };
            page = await read(planned);
            cancellationToken.ThrowIfCancellationRequested();
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
        switch (move.At)
        {
            case PageAt.Next:
                (_rowsFromAnchor, HasNext) = (_rowsFromAnchor + Rows.Count, moreBeyond);
                break;
            case PageAt.Previous when moreBeyond:
                // Never row 0 while rows come before it.
                _rowsFromAnchor = _anchorRow is { } anchor ? Math.Max(1 - anchor, _rowsFromAnchor - rows.Count) : _rowsFromAnchor - rows.Count;
                HasNext = true;
                break;
            case PageAt.Previous:
                // Nothing before it (rows removed meanwhile, or the start): the first row of the view.
                PlaceAt(0, true);
                break;
            case PageAt.Last:
                PlaceAt(Total is { } all ? all.Count - rows.Count : 0, false);
                break;
            default:
                PlaceAt(0, moreBeyond);
                break;
        }
        Rows = rows;
    }

    /// <summary>
    /// Shows a page that starts at a key (a jump), with the view's total, before its place in the view is known: the
    /// rows before it are counted afterwards and given to <see cref="Place"/> with the returned ticket.
    /// </summary>
    public int ShowFrom(IReadOnlyList<TRow> rows, bool moreBeyond, GridTotal total)
    {
        (Total, Rows, HasNext, _rowsFromAnchor, _anchorRow) = (total, rows, moreBeyond, 0, null);
        return ++_jumps;
    }

    /// <summary>
    /// Places a jump's page: <paramref name="rowsBefore"/> rows of the view come before it. Pages read since then move
    /// with it; a later jump, first or last page makes this count stale, and it is ignored.
    /// </summary>
    /// <returns>Whether the count was still wanted.</returns>
    public bool Place(int ticket, int rowsBefore)
    {
        if (ticket != _jumps || _anchorRow is not null)
        {
            return false;
        }
        _anchorRow = Math.Max(0, rowsBefore);
        return true;
    }

    /// <summary>A page that could not be read: nothing shown, counted again next time.</summary>
    public void Clear()
    {
        Rows = [];
        PlaceAt(0, false);
        Total = null;
    }

    // A page whose place is known; a jump's count still running is then no longer wanted (see Place).
    private void PlaceAt(int firstRow, bool hasNext) => (_anchorRow, _rowsFromAnchor, HasNext) = (0, firstRow, hasNext);

    // The last page holds what the full pages before it leave.
    private int LastPageRows(int total) => total - (total - 1) / PageSize * PageSize;
}
