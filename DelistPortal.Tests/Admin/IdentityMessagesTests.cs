using System.Globalization;
using DelistPortal.Admin;
using DelistPortal.Tests.Support;

namespace DelistPortal.Tests.Admin;

public sealed class IdentityMessagesTests
{
    [Theory]
    [InlineData("en", "The user name \"victor\" is already taken.")]
    [InlineData("fr", "Le nom d'utilisateur «\u00a0victor\u00a0» est déjà pris.")]
    public async Task AccountErrorsSpeakTheAdminsLanguage(string culture, string expected)
    {
        await using var portal = new PortalFactory();
        var accounts = portal.Services.GetRequiredService<AdminUserService>();
        Assert.True((await accounts.CreateAsync(Principals.Admin("alice"), "victor", "victor@example.net", "a-long-enough-password", AdminRoles.Viewer)).Succeeded);
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);
        try
        {
            var again = await accounts.CreateAsync(Principals.Admin("alice"), "victor", "other@example.net", "a-long-enough-password", AdminRoles.Viewer);

            Assert.False(again.Succeeded);
            Assert.Contains(expected, again.Errors);
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }
}
