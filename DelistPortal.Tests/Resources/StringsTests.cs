using System.Collections;
using System.Globalization;
using System.Net;
using System.Resources;
using System.Text.RegularExpressions;
using DelistPortal.Resources;
using DelistPortal.Tests.Support;
using MudBlazor;
using MudBlazor.Services;

namespace DelistPortal.Tests.Resources;

/// <summary>English and French say the same things: the same keys, the same placeholders, and no page shows a key.</summary>
public sealed partial class StringsTests : IAsyncLifetime
{
    private static readonly ResourceManager Manager = new(typeof(Strings));
    private readonly PortalFactory _portal = new(smtpPort: null);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    /// <summary>The entries of one language's own file, without falling back to English.</summary>
    internal static Dictionary<string, string> Entries(string culture) =>
        Manager.GetResourceSet(culture == "en" ? CultureInfo.InvariantCulture : CultureInfo.GetCultureInfo(culture), true, false)!
            .Cast<DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string)e.Value!);

    [Fact]
    public void EveryKeyExistsInBothLanguages()
    {
        var english = Entries("en");
        var french = Entries("fr");

        Assert.Empty(english.Keys.Except(french.Keys).Order());
        Assert.Empty(french.Keys.Except(english.Keys).Order());
        Assert.True(english.Count > 100, "The English strings were not found.");
    }

    [Fact]
    public void EveryKeyTheCodeAsksForExists()
    {
        var english = Entries("en");

        var asked = LiteralKeysAsked();

        Assert.True(asked.Count > 100, "No localized markup was found.");
        Assert.Contains(asked, a => a.File.EndsWith(".cs", StringComparison.Ordinal) && !a.File.EndsWith(".razor.cs", StringComparison.Ordinal));
        Assert.Empty(asked.Where(a => !english.ContainsKey(a.Key)).Select(a => $"{a.File}: {a.Key}").Distinct());
    }

    /// <summary>
    /// Keys built at run time from an enum (<c>L[$"Reason_{listing.Reason}"]</c>): every value of the enum needs its
    /// key. A new kind of built key must be added here, or this test fails, so none goes unchecked.
    /// </summary>
    private static readonly Dictionary<string, Type> BuiltKeys = new()
    {
        ["Reason_"] = typeof(DelistPortal.Blocklist.ListingReason),
        ["Status_"] = typeof(DelistPortal.Blocklist.ListingStatus),
        ["ActorKind_"] = typeof(DelistPortal.Portal.ActorKind),
        ["EventKind_"] = typeof(DelistPortal.Blocklist.ListingEventKind),
        ["ExceptionStatus_"] = typeof(DelistPortal.Blocklist.ListingExceptionStatus),
        ["IpError_"] = typeof(DelistPortal.Blocklist.IpAddressError),
        ["ListingError_"] = typeof(DelistPortal.Blocklist.ListingDraftError),
        ["ImportError_"] = typeof(DelistPortal.Admin.ImportErrorKind),
        ["Review_"] = typeof(DelistPortal.Admin.ReviewOutcome),
        ["EmailError_"] = typeof(DelistPortal.Delisting.EmailAddressError),
        ["RequestState_"] = typeof(DelistPortal.Delisting.DelistRequestState),
        ["Status_State_"] = typeof(DelistPortal.Delisting.DelistRequestState),
        ["Status_Explain_"] = typeof(DelistPortal.Delisting.DelistRequestState),
        ["Delist_Completed_"] = typeof(DelistPortal.Delisting.DelistRequestState),
    };

    /// <summary>Values no page builds a key from: a field without an error shows no message.</summary>
    private static readonly HashSet<string> NeverShown = ["EmailError_None", "IpError_None"];

    [Fact]
    public void EveryKeyBuiltFromAnEnumExistsForEachOfItsValues()
    {
        var english = Entries("en");

        var built = Sources().SelectMany(file => LocalizerArguments(file.Text)
                .SelectMany(arguments => BuiltKey().Matches(arguments).Select(m => (Prefix: m.Groups[1].Value, file.Name))))
            .ToList();

        Assert.True(built.Count > 20, "No key built at run time was found.");
        Assert.Empty(built.Where(b => !BuiltKeys.ContainsKey(b.Prefix)).Select(b => $"{b.Name}: {b.Prefix}{{...}} (add it to {nameof(BuiltKeys)})").Distinct());
        var missing = built.Select(b => b.Prefix).Distinct()
            .SelectMany(prefix => Enum.GetNames(BuiltKeys[prefix]).Select(value => prefix + value))
            .Where(key => !english.ContainsKey(key) && !NeverShown.Contains(key))
            .ToList();
        Assert.Empty(missing);
    }

    /// <summary>Literal keys asked of a localizer (<c>L["X"]</c>, <c>localizer[ok ? "A" : "B", ...]</c>) in markup and C#.</summary>
    private static List<(string Key, string File)> LiteralKeysAsked() =>
        Sources().SelectMany(file => LocalizerArguments(file.Text)
                .SelectMany(arguments => LiteralKey().Matches(arguments).Select(m => (m.Groups[1].Value, file.Name))))
            .ToList();

    /// <summary>What stands between the brackets of every localizer lookup.</summary>
    private static IEnumerable<string> LocalizerArguments(string text) =>
        LocalizerLookup().Matches(text).Select(m => m.Groups[1].Value);

    private static IEnumerable<(string Name, string Text)> Sources()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "DelistPortal.sln")))
        {
            root = root.Parent ?? throw new InvalidOperationException("The repository root was not found.");
        }
        var separator = Path.DirectorySeparatorChar;
        return Directory.EnumerateFiles(Path.Combine(root.FullName, "DelistPortal"), "*", SearchOption.AllDirectories)
            .Where(file => file.EndsWith(".razor", StringComparison.Ordinal) || file.EndsWith(".cs", StringComparison.Ordinal))
            .Where(file => !file.Contains($"{separator}obj{separator}") && !file.Contains($"{separator}bin{separator}"))
            .Select(file => (Path.GetFileName(file), File.ReadAllText(file)));
    }

    // L[...], Localizer[...], localizer[...]: the lookup's arguments up to the closing bracket.
    [GeneratedRegex(@"\b(?:L|[A-Za-z_]*[lL]ocalizer)\[([^\]]+)\]")]
    private static partial Regex LocalizerLookup();

    // A plain string literal among the arguments (not an interpolated one) that looks like a key.
    [GeneratedRegex(@"(?<!\$)""([A-Za-z][A-Za-z0-9_]*)""")]
    private static partial Regex LiteralKey();

    // $"Prefix_{expression}": the prefix of a key built at run time.
    [GeneratedRegex(@"\$""([A-Za-z0-9_]+)\{[^}]+\}""")]
    private static partial Regex BuiltKey();

    [Fact]
    public void EveryTranslationUsesTheSamePlaceholders()
    {
        var english = Entries("en");
        var french = Entries("fr");

        var mismatched = english.Keys
            .Where(key => !Placeholders(english[key]).SequenceEqual(Placeholders(french[key])))
            .ToList();

        Assert.Empty(mismatched);
    }

    [Fact]
    public void NoFrenchStringIsLeftInEnglish()
    {
        var english = Entries("en");
        var french = Entries("fr");
        // Identical in both languages on purpose: formats, and words French shares with English.
        string[] same = ["Title_Format", "Mailbox_Item", "Reason_Spam", "Admin_Menu", "Admin_SignedInAs", "MudBlazor_MudPagination_PageIndex"];

        var untranslated = english.Keys.Where(key => english[key] == french[key] && !same.Contains(key)).ToList();

        Assert.Empty(untranslated);
    }

    /// <summary>MudBlazor's own texts the admin area shows: the pager, the row toggle, close buttons, pickers.</summary>
    [Theory]
    [InlineData("MudDataGridPager_RowsPerPage", "Lignes par page\u00a0:")]
    [InlineData("MudDataGridPager_InfoFormat", "1–5 sur 5")]
    [InlineData("MudDataGrid_ExpandGroup", "Développer le groupe")]
    [InlineData("MudDataGridPager_NextPage", "Page suivante")]
    [InlineData("MudAlert_Close", "Fermer")]
    [InlineData("MudSnackbar_Close", "Fermer")]
    [InlineData("MudInput_Clear", "Effacer")]
    public void MudBlazorTextsAreInFrench(string key, string french)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddLocalization();
        services.AddMudServices();
        services.AddTransient<MudLocalizer, PortalMudLocalizer>();
        using var provider = services.BuildServiceProvider();
        var (culture, uiCulture) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("fr");
        try
        {
            // Through MudBlazor's own entry point, as its components ask.
            var text = provider.GetRequiredService<ILocalizationInterceptor>().Handle(key, 1, 5, 5);
            Assert.Equal(french, text.Value);
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, uiCulture);
        }
    }

    [Fact]
    public void EveryMudBlazorKeyIsOneMudBlazorHas()
    {
        var mudBlazor = new ResourceManager("MudBlazor.Resources.LanguageResource", typeof(MudLocalizer).Assembly);

        var unknown = Entries("fr").Keys
            .Where(k => k.StartsWith(PortalMudLocalizer.Prefix, StringComparison.Ordinal))
            .Where(k => mudBlazor.GetString(k[PortalMudLocalizer.Prefix.Length..], CultureInfo.InvariantCulture) is null)
            .ToList();

        Assert.Empty(unknown);
    }

    [Theory]
    [InlineData("en", "/")]
    [InlineData("fr", "/")]
    [InlineData("en", "/?ip=203.0.113.7")]
    [InlineData("fr", "/confirm?request=DL-0000-0000&token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("en", "/confirm?request=DL-0000-0000&token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("fr", "/status/DL-0000-0000")]
    [InlineData("en", "/status/DL-0000-0000")]
    [InlineData("fr", "/mailbox")]
    [InlineData("en", "/mailbox")]
    [InlineData("fr", "/not-found")]
    [InlineData("fr", "/error")]
    [InlineData("fr", "/no-such-page")]
    public async Task APageInEitherLanguageShowsNoRawKey(string culture, string path)
    {
        using var client = _portal.CreateClient();
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(culture == "fr" ? "fr-FR,fr;q=0.9" : "en-GB,en;q=0.9");

        // Read the body whatever the status: /no-such-page answers 404 with the localized not-found page.
        using var response = await client.GetAsync(path);
        var page = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

        Assert.Contains($"<html lang=\"{culture}\">", page);
        AssertNoRawKey(page);
        // The reconnect dialog is in the page's language too.
        Assert.Contains(Entries(culture)["Reconnect_Heading"], page);
    }

    /// <summary>Fails when any resource key (they all contain '_') appears in rendered text.</summary>
    internal static void AssertNoRawKey(string markup)
    {
        var keys = Entries("en").Keys.Where(k => k.Contains('_'));
        var shown = keys.Where(k => Regex.IsMatch(markup, $@"\b{Regex.Escape(k)}\b")).ToList();
        Assert.True(shown.Count == 0, "Raw resource keys on the page: " + string.Join(", ", shown));
        // A key built at run time (Status_State_{State}) that has no entry shows as its name: look for the pattern too.
        Assert.DoesNotMatch(RawKeyPattern(), markup);
    }

    private static IEnumerable<string> Placeholders(string text) =>
        PlaceholderPattern().Matches(text).Select(m => m.Value).Distinct().Order();

    [GeneratedRegex(@"\{\d+(:[^}]*)?\}")]
    private static partial Regex PlaceholderPattern();

    [GeneratedRegex(@"(?<![\w-])(App|Bounce|Button|CheckEmail|Delist|Delisted|EmailError|Error|Field|IpError|Language|Listing|Mail|Mailbox|Nav|NotFound|NotListed|Progress|Reason|Reconnect|Reference|Request|Resend|Status|Step|Submit|Title|Wizard)_[A-Za-z_]+\b")]
    private static partial Regex RawKeyPattern();
}
