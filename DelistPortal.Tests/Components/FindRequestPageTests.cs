using Bunit;
using DelistPortal.Components.Pages.Status;
using Microsoft.AspNetCore.Components;

namespace DelistPortal.Tests.Components;

public sealed class FindRequestPageTests : PortalComponentTest
{
    private string Url => Services.GetRequiredService<NavigationManager>().Uri;

    [Fact]
    public async Task AReferenceAsTypedLeadsToItsStatusPage()
    {
        var page = Render<FindRequestPage>();

        page.Find("input").Input("dl-7k3m q9xo");
        await page.Find("form").SubmitAsync();

        Assert.EndsWith("/status/DL-7K3M-Q9X0", Url);
    }

    [Theory]
    [InlineData("", "Type the reference of your request.")]
    [InlineData("203.0.113.7", "This is not a reference")]
    public async Task SomethingThatIsNoReferenceIsExplainedAndGoesNowhere(string typed, string message)
    {
        var page = Render<FindRequestPage>();
        var before = Url;

        page.Find("input").Input(typed);
        await page.Find("form").SubmitAsync();

        Assert.Contains(message, page.Find("#find-reference-error").TextContent);
        Assert.Equal(before, Url);
    }
}
