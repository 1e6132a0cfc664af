using System.Globalization;
using Bunit;
using DelistPortal.Admin;
using DelistPortal.Blocklist;
using DelistPortal.Components.Pages.Admin;
using DelistPortal.Data;

namespace DelistPortal.Tests.Components.Admin;

public sealed class DashboardTests : AdminComponentTest
{
    [Theory]
    [InlineData("en")]
    [InlineData("fr")]
    public async Task AMillionActiveListingsAreWrittenInThePagesLanguage(string language)
    {
        var culture = CultureInfo.GetCultureInfo(language);
        (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, culture);
        await using (var db = Harness.Database.CreateDbContext())
        {
            // As the triggers would keep it after an operator's import.
            db.ListingTallies.Add(new ListingTally { Status = ListingStatus.Active, Reason = ListingReason.Malware, Count = 1_000_000 });
            await db.SaveChangesAsync();
        }

        var page = Render<Dashboard>();

        await page.WaitForAssertionAsync(() => Assert.NotEmpty(page.FindAll("[data-figure]")));
        Assert.Equal(1_000_000.ToString("N0", culture), page.FindAll("[data-figure]")[0].TextContent.Trim());
        Assert.Equal(language == "fr" ? "1\u202f000\u202f000" : "1,000,000", page.FindAll("[data-figure]")[0].TextContent.Trim());
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(7, 2)]
    [InlineData(40, 10)]
    [InlineData(163_840, 50_000)]
    [InlineData(1_000_000, 200_000)]
    public void TheChartsValueAxisStepsInRoundNumbers(int max, int step) => Assert.Equal(step, DashboardService.AxisStep(max));
}
