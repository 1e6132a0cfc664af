using System.Linq.Expressions;
using DelistPortal.Admin;
using DelistPortal.Blocklist;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using MudBlazor.Extensions;

namespace DelistPortal.Components.Pages.Admin;

/// <summary>
/// The blocklist grid, read by key (<see cref="KeysetPaging{TRow}"/>, <see cref="ListingGridQuery"/>): every row of a
/// million can be reached and each page costs the same.
/// </summary>
public partial class Listings : IDisposable
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

    // Paging state, and the move the next load makes.
    private readonly KeysetPaging<Listing> _paging = new(GridPager.PageSizes[0]);
    private PageAt _move = PageAt.First;
    private bool _loading;
    private ListingFilter? _totalOf;
    // Set by "show in the list" for the next load.
    private IpNetwork? _jumpTo;
    // The count of the rows before a jump's page, running after the page is shown.
    private CancellationTokenSource? _placing;

    // For the benchmark (bench/DelistPortal.GridBenchmarks): loads so far, and the services' time for the last one.
    private int _loads;
    private double _serverMilliseconds;
    private string? _searched;

    /// <summary>
    /// The columns' properties, made once: MudBlazor compiles a PropertyColumn's expression whenever it gets a new one,
    /// and a lambda written in the markup is new at every render (eight compilations per page, and their code compiled
    /// by the JIT, for every sort, filter and page).
    /// </summary>
    private static class Column
    {
        public static readonly Expression<Func<Listing, string>> Network = l => l.Network;
        public static readonly Expression<Func<Listing, ListingReason>> Reason = l => l.Reason;
        public static readonly Expression<Func<Listing, string>> Detail = l => l.Detail;
        public static readonly Expression<Func<Listing, ListingSource>> Source = l => l.Source;
        public static readonly Expression<Func<Listing, DateTimeOffset>> ListedAt = l => l.ListedAt;
        public static readonly Expression<Func<Listing, DateTimeOffset?>> ExpiresAt = l => l.ExpiresAt;
        public static readonly Expression<Func<Listing, int>> TimesListedBefore = l => l.TimesListedBefore;
        public static readonly Expression<Func<Listing, ListingStatus>> Status = l => l.Status;
    }

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
        // The total depends on the filter, not on the sort or the page.
        var countFilter = filter with { SortBy = ListingSortColumn.ListedAt, Descending = true };
        if (_totalOf != countFilter)
        {
            _paging.Reset();
        }
        _loading = true;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            if (_jumpTo is { } network)
            {
                _jumpTo = null;
                var jump = await Service.JumpAsync(Caller, filter, network, _paging.PageSize, cancellationToken);
                // Replaced meanwhile (see KeysetPaging.MoveAsync): not shown.
                cancellationToken.ThrowIfCancellationRequested();
                var ticket = _paging.ShowFrom(jump.Page.Items, jump.Page.MoreBeyond, jump.Page.Total ?? new GridTotal(jump.Page.Items.Count, Exact: false));
                _ = PlaceJumpAsync(jump, ticket);
                return Loaded(jump.Page.Items, countFilter, started);
            }
            var rows = await _paging.MoveAsync(move, async planned =>
            {
                var page = await Service.QueryAsync(Caller, Request(filter, planned), cancellationToken);
                return new PageRead<Listing>(page.Items, page.MoreBeyond, page.Total);
            }, cancellationToken);
            return Loaded(rows, countFilter, started);
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or AdminAccessDeniedException))
        {
            // A replaced load's failure is not shown: the load that replaced it shows what is.
            cancellationToken.ThrowIfCancellationRequested();
            _error = L["Admin_LoadFailed"];
            _paging.Clear();
            return new GridData<Listing> { Items = [], TotalItems = 0 };
        }
        finally
        {
            // A replaced load leaves the busy state to the load that replaced it.
            if (!cancellationToken.IsCancellationRequested)
            {
                _loading = false;
            }
        }
    }

    /// <summary>Counts the rows before a jump's page, shown meanwhile, and then numbers the pager's rows.</summary>
    private async Task PlaceJumpAsync(ListingJump jump, int ticket)
    {
        _placing?.Cancel();
        _placing?.Dispose();
        var placing = _placing = new CancellationTokenSource();
        try
        {
            var rowsBefore = await Service.CountRowsBeforeAsync(Caller, jump, placing.Token);
            await InvokeAsync(() =>
            {
                if (_paging.Place(ticket, rowsBefore))
                {
                    StateHasChanged();
                }
            });
        }
        catch (OperationCanceledException) when (placing.IsCancellationRequested)
        {
            // Left the page, or jumped again.
        }
        catch (Exception)
        {
            // The rows are shown; only their numbers are missing. Said the way any failed load is (a lost role is
            // dealt with by the page's own sign-in check, not here: this task is not awaited).
            await InvokeAsync(() =>
            {
                _error = L["Admin_LoadFailed"];
                StateHasChanged();
            });
        }
    }

    public void Dispose()
    {
        _placing?.Cancel();
        _placing?.Dispose();
    }

    private GridData<Listing> Loaded(IReadOnlyList<Listing> rows, ListingFilter countFilter, long started)
    {
        _totalOf = countFilter;
        _error = null;
        _serverMilliseconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        _loads++;
        return new GridData<Listing> { Items = rows, TotalItems = rows.Count };
    }

    /// <summary>The address or range in the search box, if it holds one: what "show in the list" jumps to.</summary>
    private IpNetwork? SearchedNetwork => _search?.Trim() is { Length: > 0 } text ? ListingFilter.AsNetwork(text) : null;

    /// <summary>
    /// Shows the searched network in the whole list: no search, sorted by network, from the widest listing that holds
    /// it on (the status and reason filters stay); the pager goes on both ways from there.
    /// </summary>
    private async Task JumpAsync()
    {
        if (SearchedNetwork is not { } network || _grid is null)
        {
            return;
        }
        _jumpTo = network;
        _search = _searched = null;
        _selected = [];
        await _grid.SetSortAsync(nameof(ListingSortColumn.Network), SortDirection.Ascending, l => l.Network);
        if (_jumpTo is not null)
        {
            // The grid had that sort already and did not load again.
            await _grid.ReloadServerData();
        }
    }

    private ListingPageRequest Request(ListingFilter filter, PageMove<Listing> move) =>
        new(filter, _paging.PageSize) { At = move.At, From = move.From, LastPageRows = move.LastPageRows, WithTotal = move.WithTotal };

    private Task NavigateAsync(PageAt move)
    {
        _move = move;
        _selected = [];
        return _grid?.ReloadServerData() ?? Task.CompletedTask;
    }

    private Task PageSizeChangedAsync(int size)
    {
        _paging.PageSize = size;
        return NavigateAsync(PageAt.First);
    }

    /// <summary>After a change (a filter, an add, a delist): the first page, counted again.</summary>
    private Task ReloadAsync()
    {
        _paging.Reset();
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
