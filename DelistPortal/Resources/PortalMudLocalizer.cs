using Microsoft.Extensions.Localization;
using MudBlazor;

namespace DelistPortal.Resources;

/// <summary>
/// MudBlazor's own texts (the pager's "Rows per page:", "1-5 of 5", "Expand group", "Close"…) from the portal's
/// resources, under the key "MudBlazor_" + MudBlazor's key, so they follow the page's language like every other string.
/// MudBlazor asks this only for languages other than English; a key we do not have falls back to its English.
/// </summary>
public sealed class PortalMudLocalizer(IStringLocalizer<Strings> strings) : MudLocalizer
{
    public const string Prefix = "MudBlazor_";

    public override LocalizedString this[string key] => Translate(key, strings[Prefix + key]);

    public override LocalizedString this[string key, params object[] arguments] => Translate(key, strings[Prefix + key, arguments]);

    private static LocalizedString Translate(string key, LocalizedString found) =>
        found.ResourceNotFound ? new LocalizedString(key, key, resourceNotFound: true) : new LocalizedString(key, found.Value);
}
