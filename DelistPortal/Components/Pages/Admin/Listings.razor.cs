using DelistPortal.Admin;
using DelistPortal.Blocklist;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using MudBlazor.Extensions;

namespace DelistPortal.Components.Pages.Admin;

/// <summary>
/// The blocklist grid. Pages are read by key (<see cref="ListingGridQuery"/>): the next page is "the rows after the last
/// one shown", the previous "the rows before the first one shown", the last "the rows at the end, read backwards", so
/// every row of a million can be reached and each page costs the same. The total is counted when the filter changes,
/// not for every page.
/// </summary>
public partial class Listings
{
    private MudDataGrid<Listing>? _grid;
    private MudTextField<string>? _searchField;
    private HashSet<Listing> _selected = [];
    private string? _search;
    private ListingStatus? _status = ListingStatus.Active;
    private ListingReason? _reason;
    private string? _error;
    private ListingSortColumn _sortBy = ListingSortColumn.ListedAt;
    private bool _descending = true;

    // Paging state: the page shown, its rows, and the move the next load makes.
    private int _pageSize = ListingPager.PageSizes[0];
    private int _pageIndex;
    private IReadOnlyList<Listing> _page = [];
    private int _rows;
    private bool _hasNext;
    private bool _loading;
    private PageAt _move = PageAt.First;
    private ListingTotal? _total;
    private ListingFilter? _totalOf;

    // For the benchmark (bench/DelistPortal.GridBenchmarks): loads so far, and the services' time for the last one.
    private int _loads;
    private double _serverMilliseconds;
    private string? _searched;

    private static MarkupString BreakAfterColons(string network) =>
        new(string.Join(":<wbr>", network.Split(':').Select(System.Net.WebUtility.HtmlEncode)));

    private ListingFilter Filter => new() { Search = _search, Status = _status, Reason = _reason, SortBy = _sortBy, Descending = _descending };

    private async Task<GridData<Listing>> LoadAsync(GridState<Listing> state, CancellationToken cancellationToken)
    {
        var (sortBy, descending) = state.SortDefinitions.FirstOrDefault() is { } sort && Enum.TryParse<ListingSortColumn>(sort.SortBy, out var column)
            ? (column, sort.Descending)
            : (ListingSortColumn.ListedAt, true);
        var move = _move;
        _move = PageAt.First;
        if ((sortBy, descending) != (_sortBy, _descending))
        {
            (_sortBy, _descending) = (sortBy, descending);
            move = PageAt.First;
        }
        var filter = Filter;
        _loading = true;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            // The total depends on the filter, not on the sort or the page.
            var countFilter = filter with { SortBy = ListingSortColumn.ListedAt, Descending = true };
            if (_total is null || _totalOf != countFilter)
            {
                // Counted with the first page of a new filter, in the same request (one text lookup for both).
                move = PageAt.First;
                _total = null;
            }
            var request = new ListingPageRequest(filter, _pageSize) { At = move, WithTotal = _total is null };
            var lastIndex = 0;
            switch (move)
            {
                case PageAt.Next when _page.Count > 0:
                    request = request with { From = _page[^1] };
                    break;
                case PageAt.Previous when _page.Count > 0 && _pageIndex > 1:
                    request = request with { From = _page[0] };
                    break;
                case PageAt.Last when _total is { Exact: true, Count: > 0 } total:
                    lastIndex = (total.Count - 1) / _pageSize;
                    request = request with { LastPageRows = total.Count - lastIndex * _pageSize };
                    break;
                default:
                    request = request with { At = PageAt.First };
                    break;
            }
            var page = await Service.QueryAsync(Caller, request, cancellationToken);
            if (page.Total is { } counted)
            {
                (_total, _totalOf) = (counted, countFilter);
            }
            (_pageIndex, _hasNext) = request.At switch
            {
                PageAt.Next => (_pageIndex + 1, page.MoreBeyond),
                // Rows removed before this page meanwhile: the start was reached.
                PageAt.Previous => (page.MoreBeyond ? Math.Max(1, _pageIndex - 1) : 0, true),
                PageAt.Last => (lastIndex, false),
                _ => (0, page.MoreBeyond),
            };
            if (request.At == PageAt.Previous && !page.MoreBeyond && page.Items.Count < _pageSize)
            {
                // Back at the start with a short page: show a full first page instead.
                page = await Service.QueryAsync(Caller, request with { At = PageAt.First, From = null }, cancellationToken);
                _hasNext = page.MoreBeyond;
            }
            _page = page.Items;
            _rows = page.Items.Count;
            _error = null;
            _serverMilliseconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            _loads++;
            return new GridData<Listing> { Items = page.Items, TotalItems = page.Items.Count };
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or AdminAccessDeniedException))
        {
            _error = L["Admin_LoadFailed"];
            (_page, _rows, _hasNext) = ([], 0, false);
            return new GridData<Listing> { Items = [], TotalItems = 0 };
        }
        finally
        {
            _loading = false;
        }
    }

    private Task NavigateAsync(PageAt move)
    {
        _move = move;
        _selected = [];
        return _grid?.ReloadServerData() ?? Task.CompletedTask;
    }

    private Task PageSizeChangedAsync(int size)
    {
        _pageSize = size;
        return NavigateAsync(PageAt.First);
    }

    /// <summary>After a change (a filter, an add, a delist): the first page, counted again.</summary>
    private Task ReloadAsync()
    {
        _total = null;
        return NavigateAsync(PageAt.First);
    }

    private async Task SearchChangedAsync(string? value)
    {
        _search = value;
        if (_search == _searched)
        {
            return;
        }
        _searched = _search;
        await ReloadAsync();
    }

    /// <summary>
    /// Enter searches at once (a pasted address need not wait for typing to pause). The field's text, not the bound
    /// value: that one follows only when the debounce elapses.
    /// </summary>
    private Task SearchKeyUpAsync(Microsoft.AspNetCore.Components.Web.KeyboardEventArgs e) =>
        e.Key == "Enter" ? SearchChangedAsync(_searchField?.GetState(x => x.Text) ?? _search) : Task.CompletedTask;

    private async Task StatusChangedAsync(ListingStatus? value)
    {
        _status = value;
        await ReloadAsync();
    }

    private async Task ReasonChangedAsync(ListingReason? value)
    {
        _reason = value;
        await ReloadAsync();
    }

    private async Task AddAsync()
    {
        var parameters = new DialogParameters<AddListingDialog> { { d => d.Caller, Caller }, { d => d.ClientAddress, ClientAddress } };
        var dialog = await Dialogs.ShowAsync<AddListingDialog>(L["AddListing_Title"], parameters, AdminDialogs.Options);
        if (await dialog.Result is { Canceled: false, Data: Listing added })
        {
            Snackbar.Add(L["AddListing_Done", added.Network], Severity.Success);
            await ReloadAsync();
        }
    }

    private async Task EditAsync(Listing listing)
    {
        var parameters = new DialogParameters<EditListingDialog> { { d => d.Caller, Caller }, { d => d.Listing, listing }, { d => d.ClientAddress, ClientAddress } };
        var dialog = await Dialogs.ShowAsync<EditListingDialog>(L["EditListing_Title", listing.Network], parameters, AdminDialogs.Options);
        if (await dialog.Result is { Canceled: false })
        {
            Snackbar.Add(L["EditListing_Done", listing.Network], Severity.Success);
        }
        // Reload either way: after a conflict the admin sees the other admin's version.
        await ReloadAsync();
    }

    private async Task DelistAsync(Listing listing)
    {
        var parameters = new DialogParameters<DelistDialog> { { d => d.Caller, Caller }, { d => d.Selected, [listing] }, { d => d.ClientAddress, ClientAddress } };
        var dialog = await Dialogs.ShowAsync<DelistDialog>(L["DelistDialog_Title", listing.Network], parameters, AdminDialogs.Options);
        await dialog.Result;
        await ReloadAsync();
    }

    private async Task BulkDelistAsync()
    {
        var parameters = new DialogParameters<DelistDialog> { { d => d.Caller, Caller }, { d => d.Selected, _selected.ToList() }, { d => d.ClientAddress, ClientAddress } };
        var dialog = await Dialogs.ShowAsync<DelistDialog>(L["DelistDialog_BulkTitle", _selected.Count], parameters, AdminDialogs.Options);
        await dialog.Result;
        await ReloadAsync();
    }
}
