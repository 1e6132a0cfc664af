using DelistPortal.Delisting;

namespace DelistPortal.Tests.Delisting;

public class EmailAddressInputTests
{
    [Theory]
    [InlineData("postmaster@example.com", "postmaster@example.com")]
    [InlineData("  Ops.Team+bounces@Mail.Example.ORG ", "Ops.Team+bounces@mail.example.org")]
    [InlineData("o'brien@example.co.uk", "o'brien@example.co.uk")]
    [InlineData("admin@bücher.example", "admin@xn--bcher-kva.example")]
    [InlineData("admin@example.com.", "admin@example.com")]
    public void AcceptsAndNormalizesMailAddresses(string input, string expected)
    {
        var result = EmailAddressInput.Parse(input);

        Assert.True(result.IsValid);
        Assert.Equal(expected, result.Address);
    }

    [Theory]
    [InlineData(null, EmailAddressError.Missing)]
    [InlineData(" ", EmailAddressError.Missing)]
    [InlineData("postmaster", EmailAddressError.Malformed)]
    [InlineData("@example.com", EmailAddressError.Malformed)]
    [InlineData("postmaster@", EmailAddressError.Malformed)]
    [InlineData("postmaster@localhost", EmailAddressError.Malformed)]
    [InlineData("post master@example.com", EmailAddressError.Malformed)]
    [InlineData(".postmaster@example.com", EmailAddressError.Malformed)]
    [InlineData("post..master@example.com", EmailAddressError.Malformed)]
    [InlineData("postmaster@exa_mple.com", EmailAddressError.Malformed)]
    [InlineData("postmaster@-example.com", EmailAddressError.Malformed)]
    [InlineData("postmaster@203.0.113.7", EmailAddressError.Malformed)]
    [InlineData("a@b@example.com", EmailAddressError.Malformed)]
    [InlineData("victim@example.com\r\nBcc: everyone@example.com", EmailAddressError.Malformed)]
    [InlineData("victim@example.com\nX-Injected: 1", EmailAddressError.Malformed)]
    [InlineData("\"quoted\"@example.com", EmailAddressError.Malformed)]
    [InlineData("<script>@example.com", EmailAddressError.Malformed)]
    public void RefusesWhatIsNotAPlainMailAddress(string? input, EmailAddressError expected)
    {
        Assert.Equal(expected, EmailAddressInput.Parse(input).Error);
    }

    [Fact]
    public void RefusesAddressesLongerThan254Characters()
    {
        var longAddress = new string('a', 64) + "@" + string.Join('.', Enumerable.Repeat(new string('b', 60), 4)) + ".com";

        Assert.True(longAddress.Length > 254);
        Assert.Equal(EmailAddressError.TooLong, EmailAddressInput.Parse(longAddress).Error);
        Assert.Equal(EmailAddressError.TooLong, EmailAddressInput.Parse(new string('x', 1_000_000)).Error);
    }

    [Fact]
    public void RefusesALocalPartLongerThan64Characters()
    {
        Assert.Equal(EmailAddressError.Malformed, EmailAddressInput.Parse(new string('a', 65) + "@example.com").Error);
        Assert.True(EmailAddressInput.Parse(new string('a', 64) + "@example.com").IsValid);
    }
}
