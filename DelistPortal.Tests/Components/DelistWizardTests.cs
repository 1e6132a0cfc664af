using AngleSharp.Dom;
using Bunit;
using DelistPortal.Components.Pages.Delist;
using Microsoft.AspNetCore.Components;

namespace DelistPortal.Tests.Components;

public class DelistWizardTests : PortalComponentTest
{
    private IRenderedComponent<DelistWizard> RenderWizard(string url = "/")
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(url);
        return Render<DelistWizard>();
    }

    private static IElement Field(IRenderedComponent<DelistWizard> wizard, string label) =>
        wizard.FindAll("input").Single(i => wizard.Find($"label[for='{i.Id}']").TextContent.Trim() == label);

    private static Task SubmitAsync(IRenderedComponent<DelistWizard> wizard, string email, string ip)
    {
        Field(wizard, "Email address").Input(email);
        Field(wizard, "IP address").Input(ip);
        return wizard.Find("form").SubmitAsync();
    }

    [Fact]
    public void StartsOnTheFirstStepWithTheLabelledFields()
    {
        var wizard = RenderWizard();

        Assert.NotNull(Field(wizard, "Email address"));
        Assert.NotNull(Field(wizard, "IP address"));
        Assert.Contains(wizard.FindAll("button"), b => b.TextContent.Trim() == "Submit");
    }

    [Fact]
    public void TheIpFromTheBounceLinkIsFilledIn()
    {
        var wizard = RenderWizard("/?ip=203.0.113.7");

        Assert.Equal("203.0.113.7", Field(wizard, "IP address").GetAttribute("value"));
    }

    [Fact]
    public async Task InvalidInputShowsAMessageNextToEachField()
    {
        var wizard = RenderWizard();

        await SubmitAsync(wizard, "postmaster", "192.168.1.20");

        wizard.WaitForAssertion(() =>
        {
            Assert.Contains("This is not a valid email address", wizard.Markup);
            Assert.Contains("This is a private address", wizard.Markup);
        });
        Assert.Empty(await Harness.SentMailAsync());
    }

    [Fact]
    public async Task TheBrowserTitleFollowsTheStepOnceInteractive()
    {
        // The page around the wizard is static, so its <head> is not the wizard's to render: the title moves by script.
        await Harness.ListAsync("203.0.113.7");
        var wizard = RenderWizard();
        Assert.Empty(JSInterop.Invocations["portalPage.setTitle"]);

        await SubmitAsync(wizard, "postmaster@sender.example", "203.0.113.7");

        wizard.WaitForAssertion(() => Assert.Equal(
            "Check your email – Delist portal",
            Assert.Single(JSInterop.Invocations["portalPage.setTitle"]).Arguments.Single()));
    }

    [Fact]
    public async Task AnUnlistedAddressGetsThePlainNotListedMessage()
    {
        await Harness.ListAsync("203.0.113.7");
        var wizard = RenderWizard();

        await SubmitAsync(wizard, "postmaster@sender.example", "203.0.113.99");

        wizard.WaitForAssertion(() => Assert.Contains("203.0.113.99 is not on our blocklist", wizard.Markup));
        Assert.Contains("no email was sent", wizard.Markup);
        Assert.Empty(await Harness.SentMailAsync());
    }

    [Fact]
    public async Task AListedAddressMovesToCheckYourEmailWithAddressValidityAndResend()
    {
        await Harness.ListAsync("203.0.113.7");
        var wizard = RenderWizard();

        await SubmitAsync(wizard, "postmaster@sender.example", "203.0.113.7");

        wizard.WaitForAssertion(() => Assert.Contains("We sent a confirmation link to postmaster@sender.example", wizard.Markup));
        Assert.Contains("within 30 minutes", wizard.Markup);
        Assert.Contains(wizard.FindAll("button"), b => b.TextContent.Trim() == "Resend");
        Assert.Single(await Harness.SentMailAsync());
    }

    [Fact]
    public async Task TheBrowserStartsSolvingTheProofOfWorkAsSoonAsTheStepIsInteractive()
    {
        await Harness.ListAsync("203.0.113.7");
        var wizard = RenderWizard();

        wizard.WaitForAssertion(() => Assert.Single(Solver.Invocations));
        await SubmitAsync(wizard, "postmaster@sender.example", "203.0.113.7");

        wizard.WaitForAssertion(() => Assert.Contains("We sent a confirmation link", wizard.Markup));
        // The solution prepared while the sender typed was the one used: no second solve.
        Assert.Single(Solver.Invocations);
        Assert.DoesNotContain("automatic check", wizard.Markup);
    }

    [Fact]
    public async Task SubmitWaitsForASolveStillRunningWithTheProgressShown()
    {
        await Harness.ListAsync("203.0.113.7");
        Solver.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var wizard = RenderWizard();

        var submitted = SubmitAsync(wizard, "postmaster@sender.example", "203.0.113.7");

        wizard.WaitForAssertion(() => Assert.NotNull(wizard.Find("[aria-label='Working…']")));
        Assert.Empty(await Harness.SentMailAsync());
        Solver.Hold.SetResult();
        await submitted;
        wizard.WaitForAssertion(() => Assert.Contains("We sent a confirmation link", wizard.Markup));
        Assert.Single(Solver.Invocations);
    }

    [Fact]
    public async Task WhenTheBrowserCannotSolveTheProofOfWorkNothingIsSentAndTheSenderIsToldClearly()
    {
        await Harness.ListAsync("203.0.113.7");
        Solver.Answer = _ => null;
        var wizard = RenderWizard();

        await SubmitAsync(wizard, "postmaster@sender.example", "203.0.113.7");

        wizard.WaitForAssertion(() => Assert.Contains("did not complete the automatic check", wizard.Find("[role=alert]").TextContent));
        Assert.Empty(await Harness.SentMailAsync());

        // The next press of Submit gets a fresh solve, which now works.
        Solver.Answer = DelistPortal.Tests.Support.ProofOfWorkSolver.FindNumber;
        await SubmitAsync(wizard, "postmaster@sender.example", "203.0.113.7");
        wizard.WaitForAssertion(() => Assert.Contains("We sent a confirmation link", wizard.Markup));
    }

    [Fact]
    public async Task AWrongAnswerFromTheBrowserOrAScriptIsRefusedByTheService()
    {
        await Harness.ListAsync("203.0.113.7");
        Solver.Answer = challenge => DelistPortal.Tests.Support.ProofOfWorkSolver.FindNumber(challenge) + 1;
        var wizard = RenderWizard();

        await SubmitAsync(wizard, "postmaster@sender.example", "203.0.113.7");

        wizard.WaitForAssertion(() => Assert.Contains("did not complete the automatic check", wizard.Markup));
        Assert.Empty(await Harness.SentMailAsync());
    }

    [Fact]
    public async Task AJavaScriptFailureWhileSolvingGetsTheSameClearMessage()
    {
        await Harness.ListAsync("203.0.113.7");
        Solver.Throws = true;
        var wizard = RenderWizard();

        await SubmitAsync(wizard, "postmaster@sender.example", "203.0.113.7");

        wizard.WaitForAssertion(() => Assert.Contains("did not complete the automatic check", wizard.Markup));
        Assert.Empty(await Harness.SentMailAsync());
    }

    [Fact]
    public async Task ASolutionThatAgedWhileTheSenderWaitedIsSolvedAgainBeforeSubmit()
    {
        await Harness.ListAsync("203.0.113.7");
        var wizard = RenderWizard();
        wizard.WaitForAssertion(() => Assert.Single(Solver.Invocations));

        Harness.Clock.Advance(TimeSpan.FromMinutes(15));
        await SubmitAsync(wizard, "postmaster@sender.example", "203.0.113.7");

        wizard.WaitForAssertion(() => Assert.Contains("We sent a confirmation link", wizard.Markup));
        Assert.Equal(2, Solver.Invocations.Count);
    }

    [Fact]
    public async Task WithTheProofOfWorkOffTheBrowserIsNotAskedToSolve()
    {
        Harness.ConfigureProofOfWork = o => o.Enabled = false;
        await Harness.ListAsync("203.0.113.7");
        var wizard = RenderWizard();

        await SubmitAsync(wizard, "postmaster@sender.example", "203.0.113.7");

        wizard.WaitForAssertion(() => Assert.Contains("We sent a confirmation link", wizard.Markup));
        Assert.Empty(Solver.Invocations);
    }

    [Fact]
    public async Task ResendTooSoonSaysWhenToTryAgain()
    {
        await Harness.ListAsync("203.0.113.7");
        var wizard = RenderWizard();
        await SubmitAsync(wizard, "postmaster@sender.example", "203.0.113.7");
        wizard.WaitForAssertion(() => Assert.Contains("Check your email", wizard.Markup));

        await wizard.FindAll("button").Single(b => b.TextContent.Trim() == "Resend").ClickAsync(new());

        wizard.WaitForAssertion(() => Assert.Contains("then ask for the email again", wizard.Markup));
        Assert.Single(await Harness.SentMailAsync());
    }

    [Fact]
    public void TheStepHeaderIsAProgressIndicatorWithNothingToTabTo()
    {
        var wizard = RenderWizard();

        var steps = wizard.FindAll("ol.wizard-progress > li");
        Assert.Equal(["1 Your details", "2 Check your email", "3 Delist"], steps.Select(s => string.Join(' ', s.TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))));
        Assert.Equal("step", steps[0].GetAttribute("aria-current"));
        Assert.Empty(wizard.FindAll("ol.wizard-progress button, ol.wizard-progress a, ol.wizard-progress [tabindex]"));
        // No panel around the step is a Tab stop either: the first thing to Tab to is the email field.
        Assert.Empty(wizard.FindAll("[tabindex='0']"));
    }

    [Fact]
    public async Task StartOverKeepsWhatTheSenderTyped()
    {
        await Harness.ListAsync("203.0.113.7");
        var wizard = RenderWizard();
        await SubmitAsync(wizard, "postmaster@sender.example", "203.0.113.7");
        wizard.WaitForAssertion(() => Assert.Contains(wizard.FindAll("button"), b => b.TextContent.Trim() == "Start over"));

        await wizard.FindAll("button").Single(b => b.TextContent.Trim() == "Start over").ClickAsync(new());

        wizard.WaitForAssertion(() => Assert.Equal("postmaster@sender.example", Field(wizard, "Email address").GetAttribute("value")));
        Assert.Equal("203.0.113.7", Field(wizard, "IP address").GetAttribute("value"));
    }

    [Fact]
    public async Task TheConfirmationLinkShowsTheListingAndTheDelistButton()
    {
        await Harness.ListAsync("203.0.113.7");
        await Harness.SubmitAsync("postmaster@sender.example", "203.0.113.7", null);
        var (reference, token) = await Harness.LastLinkAsync();

        var wizard = RenderWizard($"/confirm?request={reference}&token={token}");

        wizard.WaitForAssertion(() => Assert.Contains(wizard.FindAll("button"), b => b.TextContent.Trim() == "Delist IP"));
        Assert.Contains("Test listing: bulk mail to spam traps.", wizard.Markup);
        Assert.Contains("it will be listed again", wizard.Markup);
    }

    [Fact]
    public async Task DelistIpShowsTheOutcomeWithTheReference()
    {
        await Harness.ListAsync("203.0.113.7");
        await Harness.SubmitAsync("postmaster@sender.example", "203.0.113.7", null);
        var (reference, token) = await Harness.LastLinkAsync();
        var wizard = RenderWizard($"/confirm?request={reference}&token={token}");
        wizard.WaitForAssertion(() => Assert.Contains("Delist IP", wizard.Markup));

        await wizard.FindAll("button").Single(b => b.TextContent.Trim() == "Delist IP").ClickAsync(new());

        wizard.WaitForAssertion(() => Assert.Contains("203.0.113.7 has been removed from the blocklist", wizard.Markup));
        Assert.Contains(reference, wizard.Markup);
        Assert.False(await Harness.IsListedAsync("203.0.113.7"));
    }

    [Fact]
    public async Task InsideARangeTheWizardSaysBeforeAndAfterTheClickThatOnlyTheAddressIsFreed()
    {
        await Harness.ListAsync("198.51.100.0", 24);
        await Harness.SubmitAsync("postmaster@sender.example", "198.51.100.1", null);
        var (reference, token) = await Harness.LastLinkAsync();
        var wizard = RenderWizard($"/confirm?request={reference}&token={token}");
        wizard.WaitForAssertion(() => Assert.Contains("Delist IP", wizard.Markup));
        Assert.Contains("198.51.100.1 lies in 198.51.100.0/24, which is listed as a whole. Delist IP frees 198.51.100.1 only: 198.51.100.0/24 stays listed for every other address.",
            wizard.Find("[data-testid=range-note]").TextContent);

        await wizard.FindAll("button").Single(b => b.TextContent.Trim() == "Delist IP").ClickAsync(new());

        wizard.WaitForAssertion(() => Assert.Contains("198.51.100.1 has been removed from the blocklist", wizard.Markup));
        Assert.StartsWith("Freed from 198.51.100.0/24: 198.51.100.1, at ", wizard.Find("[data-testid=excepted]").TextContent);
        Assert.DoesNotContain("Removed:", wizard.Markup);
        Assert.False(await Harness.IsListedAsync("198.51.100.1"));
        Assert.True(await Harness.IsListedAsync("198.51.100.2"));
    }

    [Fact]
    public async Task ARefusedSelfServiceDelistSaysItGoesToReview()
    {
        var listing = await Harness.ListAsync("203.0.113.7");
        await Harness.Blocklist.EditAsync(listing.Id, listing.Version,
            new DelistPortal.Blocklist.ListingEdit { SelfServiceAllowed = false }, DelistPortal.Portal.Actor.Admin("alice"), null);
        await Harness.SubmitAsync("postmaster@sender.example", "203.0.113.7", null);
        var (reference, token) = await Harness.LastLinkAsync();
        var wizard = RenderWizard($"/confirm?request={reference}&token={token}");
        wizard.WaitForAssertion(() => Assert.Contains("Delist IP", wizard.Markup));

        await wizard.FindAll("button").Single(b => b.TextContent.Trim() == "Delist IP").ClickAsync(new());

        wizard.WaitForAssertion(() => Assert.Contains("Your request goes to our team for review", wizard.Markup));
        Assert.True(await Harness.IsListedAsync("203.0.113.7"));
    }

    [Fact]
    public void AMadeUpLinkGetsAClearMessage()
    {
        var wizard = RenderWizard("/confirm?request=DL-0000-0000&token=nonsense");

        wizard.WaitForAssertion(() => Assert.Contains("This link is not valid, and nothing was changed", wizard.Markup));
        Assert.DoesNotContain("Delist IP", wizard.Markup);
    }
}
