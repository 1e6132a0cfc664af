using System.Security.Claims;
using DelistPortal.Blocklist;
using DelistPortal.Components.Pages.Admin;
using MudBlazor;

namespace DelistPortal.Tests.Components.Admin;

/// <summary>The parameters the grid page passes to its dialogs.</summary>
internal static class DialogParametersFor
{
    internal sealed record Add(ClaimsPrincipal Caller)
    {
        public DialogParameters<AddListingDialog> Parameters => new() { { d => d.Caller, Caller }, { d => d.ClientAddress, "192.0.2.200" } };
    }

    public static DialogParameters<EditListingDialog> Edit(ClaimsPrincipal caller, Listing listing) =>
        new() { { d => d.Caller, caller }, { d => d.Listing, listing }, { d => d.ClientAddress, "192.0.2.200" } };

    public static DialogParameters<DelistDialog> Delist(ClaimsPrincipal caller, IReadOnlyList<Listing> listings) =>
        new() { { d => d.Caller, caller }, { d => d.Selected, listings }, { d => d.ClientAddress, "192.0.2.200" } };
}
