using System.Security.Claims;
using System.Text.RegularExpressions;
using DelistPortal.Admin;
using DelistPortal.Blocklist;
using DelistPortal.Portal;
using DelistPortal.Resources;
using Microsoft.Extensions.Localization;

namespace DelistPortal.Components.Shared;

/// <summary>
/// Admin-area wording in the reader's language: role names, "who did it", and the notes the services store in
/// English (history reasons, review notes), recognised by their fixed shapes and said again from the resources.
/// Free text typed by an admin or a sender is left as it is.
/// </summary>
public static partial class AdminText
{
    /// <summary>"Administrateur", "Viewer"…: the role's name in the page's language (the role itself stays as stored).</summary>
    public static string Role(IStringLocalizer<Strings> l, string role) =>
        l[$"Role_{role}"] is { ResourceNotFound: false } name ? name.Value : role;

    /// <summary>"ada (Admin)" in the top bar.</summary>
    public static string WhoIsSignedIn(IStringLocalizer<Strings> l, ClaimsPrincipal user) =>
        l["Admin_SignedInAs", user.Identity?.Name ?? "", Role(l, user.IsInRole(AdminRoles.Admin) ? AdminRoles.Admin : AdminRoles.Viewer)];

    /// <summary>"Admin: alice", "Administrateur : alice": the label's punctuation is the language's (French spaces the colon).</summary>
    public static string Actor(IStringLocalizer<Strings> l, ActorKind kind, string name) =>
        l["Admin_LabelValue", l[$"ActorKind_{kind}"].Value, name];

    /// <summary>A note written by the portal (history reason, review note) in the page's language; other text unchanged.</summary>
    public static string? Note(IStringLocalizer<Strings> l, string? note)
    {
        if (string.IsNullOrEmpty(note))
        {
            return note;
        }
        if (Refused().Match(note) is { Success: true } refused)
        {
            var why = l[$"Note_Refused_{refused.Groups["why"].Value}"] is { ResourceNotFound: false } text ? text.Value : refused.Groups["why"].Value;
            var said = l["Note_Refused", why, refused.Groups["network"].Value].Value;
            return refused.Groups["reference"].Success ? l["Note_WithRequest", said, refused.Groups["reference"].Value] : said;
        }
        if (SelfService().Match(note) is { Success: true } selfService)
        {
            return l["Note_SelfService", selfService.Groups["reference"].Value];
        }
        if (Approved().Match(note) is { Success: true } approved)
        {
            var said = l["Note_Approved", approved.Groups["reference"].Value].Value;
            return approved.Groups["message"].Success ? l["Admin_LabelValue", said, approved.Groups["message"].Value] : said;
        }
        if (Freed().Match(note) is { Success: true } freed)
        {
            return l["Note_Freed", freed.Groups["network"].Value, Note(l, freed.Groups["rest"].Value) ?? ""];
        }
        if (Revoked().Match(note) is { Success: true } revoked)
        {
            var said = l["Note_Revoked", revoked.Groups["network"].Value].Value;
            return revoked.Groups["reason"].Success ? l["Admin_LabelValue", said, revoked.Groups["reason"].Value] : said;
        }
        return note;
    }

    // The shapes DelistService, ReviewService, RangeExceptions and BlocklistService write.
    [GeneratedRegex(@"^Self-service refused \((?<why>\w+)\) for (?<network>\S+?)(; request (?<reference>\S+))?$")]
    private static partial Regex Refused();

    [GeneratedRegex(@"^Self-service request (?<reference>\S+)$")]
    private static partial Regex SelfService();

    [GeneratedRegex(@"^Request (?<reference>\S+) approved after review(: (?<message>.*))?$", RegexOptions.Singleline)]
    private static partial Regex Approved();

    [GeneratedRegex(@"^(?<network>\S+) freed; (?<rest>.*)$", RegexOptions.Singleline)]
    private static partial Regex Freed();

    [GeneratedRegex(@"^(?<network>\S+) revoked(: (?<reason>.*))?$", RegexOptions.Singleline)]
    private static partial Regex Revoked();
}
