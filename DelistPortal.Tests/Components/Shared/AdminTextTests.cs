using System.Globalization;
using System.Security.Claims;
using DelistPortal.Admin;
using DelistPortal.Blocklist;
using DelistPortal.Components.Shared;
using DelistPortal.Portal;
using DelistPortal.Resources;
using Microsoft.Extensions.Localization;

namespace DelistPortal.Tests.Components.Shared;

/// <summary>The admin area's wording in French: roles, "who", the French colon, and the notes services store in English.</summary>
public sealed class AdminTextTests
{
    private static IStringLocalizer<Strings> Localizer()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddLocalization();
        return services.BuildServiceProvider().GetRequiredService<IStringLocalizer<Strings>>();
    }

    private static T In<T>(string culture, Func<T> read)
    {
        var (old, oldUi) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);
        try
        {
            return read();
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (old, oldUi);
        }
    }

    [Fact]
    public void FrenchPutsANonBreakingSpaceBeforeTheColon()
    {
        var l = Localizer();

        Assert.Equal("Admin: alice", In("en", () => AdminText.Actor(l, ActorKind.Admin, "alice")));
        Assert.Equal("Administrateur\u00a0: alice", In("fr", () => AdminText.Actor(l, ActorKind.Admin, "alice")));
    }

    [Fact]
    public void RoleNamesAreInThePagesLanguage()
    {
        var l = Localizer();
        var ada = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "ada"), new Claim(ClaimTypes.Role, AdminRoles.Admin)], "test"));

        Assert.Equal("Lecteur", In("fr", () => AdminText.Role(l, AdminRoles.Viewer)));
        Assert.Equal("ada (Administrateur)", In("fr", () => AdminText.WhoIsSignedIn(l, ada)));
        Assert.Equal("ada (Admin)", In("en", () => AdminText.WhoIsSignedIn(l, ada)));
        Assert.Equal("Passer vic en Lecteur", In("fr", () => l["Users_MakeViewer", "vic", AdminText.Role(l, AdminRoles.Viewer)].Value));
    }

    [Theory]
    [InlineData("Self-service refused (NotAllowedForListing) for 203.0.113.7/32",
        "Retrait en libre-service refusé pour 203.0.113.7/32\u00a0: un administrateur a exclu cette inscription du retrait par les expéditeurs")]
    [InlineData("Self-service refused (LimitReached) for 198.51.100.0/24; request DL-AAAA-BBBB",
        "Retrait en libre-service refusé pour 198.51.100.0/24\u00a0: retirée trop souvent par des expéditeurs ces derniers temps\u00a0; demande DL-AAAA-BBBB")]
    [InlineData("Self-service request DL-AAAA-BBBB", "Demande en libre-service DL-AAAA-BBBB")]
    [InlineData("Request DL-AAAA-BBBB approved after review: fixed", "Demande DL-AAAA-BBBB approuvée après examen\u00a0: fixed")]
    [InlineData("198.51.100.1/32 freed; Self-service request DL-AAAA-BBBB", "198.51.100.1/32 libérée\u00a0; Demande en libre-service DL-AAAA-BBBB")]
    [InlineData("198.51.100.1/32 revoked", "198.51.100.1/32 révoquée")]
    [InlineData("Typed by an admin, left alone", "Typed by an admin, left alone")]
    public void NotesThePortalWroteAreSaidInFrench(string stored, string french)
    {
        Assert.Equal(french, In("fr", () => AdminText.Note(Localizer(), stored)));
    }

    [Fact]
    public void NotesStayAsStoredInEnglishButForTheRefusalReason()
    {
        var l = Localizer();

        Assert.Equal("Self-service request DL-AAAA-BBBB", In("en", () => AdminText.Note(l, "Self-service request DL-AAAA-BBBB")));
        Assert.Equal("Self-service refused for 203.0.113.7/32: an admin marked this listing as not removable by senders",
            In("en", () => AdminText.Note(l, "Self-service refused (NotAllowedForListing) for 203.0.113.7/32")));
    }

    [Fact]
    public void EveryRefusalReasonHasWords()
    {
        var french = Resources.StringsTests.Entries("fr");

        Assert.All(Enum.GetNames<SelfServiceRefusal>(), reason => Assert.True(french.ContainsKey($"Note_Refused_{reason}"), reason));
    }
}
