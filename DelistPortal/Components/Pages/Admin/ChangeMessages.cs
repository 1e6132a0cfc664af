using DelistPortal.Blocklist;
using DelistPortal.Resources;
using Microsoft.Extensions.Localization;

namespace DelistPortal.Components.Pages.Admin;

/// <summary>What an admin is told when a change to a listing did not go through.</summary>
public static class ChangeMessages
{
    /// <returns>The message (null on success) and whether it is a conflict with another admin's change.</returns>
    public static (string? Message, bool Conflict) For(IStringLocalizer<Strings> l, ChangeResult result, string network) => result.Outcome switch
    {
        ChangeOutcome.Done => (null, false),
        ChangeOutcome.Conflict => (l["Change_Conflict", network], true),
        ChangeOutcome.NotActive => (l["Change_NotActive", network], true),
        ChangeOutcome.NotFound => (l["Change_NotFound", network], true),
        ChangeOutcome.Invalid => (l[$"ListingError_{result.Error}"], false),
        _ => (l["AddListing_AlreadyListed", network], false),
    };
}
