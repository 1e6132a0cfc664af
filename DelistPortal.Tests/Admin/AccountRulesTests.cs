using DelistPortal.Admin;

namespace DelistPortal.Tests.Admin;

public sealed class AccountRulesTests
{
    [Theory]
    [InlineData(null, false)]
    [InlineData("short", false)]
    [InlineData("twelve chars", true)]
    public void APasswordIsAcceptableFromTwelveCharacters(string? password, bool acceptable) =>
        Assert.Equal(acceptable, AdminPassword.IsAcceptable(password));

    [Fact]
    public void APasswordLongerThanTheBoundIsRefused() =>
        Assert.False(AdminPassword.IsAcceptable(new string('x', AdminPassword.MaxLength + 1)));

    [Theory]
    [InlineData(null, "/admin")]
    [InlineData("/admin/requests?state=InReview", "/admin/requests?state=InReview")]
    [InlineData("https://phish.example/admin", "/admin")]
    [InlineData("//phish.example/admin", "/admin")]
    [InlineData("/admin//phish.example", "/admin")]
    [InlineData("/admin\\..\\x", "/admin")]
    [InlineData("/status", "/admin")]
    public void SignInReturnsOnlyToALocalAdminPath(string? returnUrl, string expected) =>
        Assert.Equal(expected, SignInRedirect.Target(returnUrl));
}
