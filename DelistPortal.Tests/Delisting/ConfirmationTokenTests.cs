using System.Security.Cryptography;
using DelistPortal.Delisting;

namespace DelistPortal.Tests.Delisting;

public class ConfirmationTokenTests
{
    [Fact]
    public void IssuesA256BitTokenAsBase64UrlAndKeepsOnlyItsSha256()
    {
        var token = ConfirmationToken.Issue();

        Assert.Equal(43, token.Value.Length);
        Assert.Matches("^[A-Za-z0-9_-]{43}$", token.Value);
        Assert.Equal(32, token.Hash.Length);
        Assert.Equal(SHA256.HashData(System.Buffers.Text.Base64Url.DecodeFromChars(token.Value)), token.Hash);
    }

    [Fact]
    public void EveryTokenIsDifferent()
    {
        var tokens = Enumerable.Range(0, 1000).Select(_ => ConfirmationToken.Issue().Value).ToHashSet();

        Assert.Equal(1000, tokens.Count);
    }

    [Fact]
    public void MatchesOnlyItsOwnHash()
    {
        var token = ConfirmationToken.Issue();
        var other = ConfirmationToken.Issue();

        Assert.True(ConfirmationToken.Matches(token.Value, token.Hash));
        Assert.False(ConfirmationToken.Matches(other.Value, token.Hash));
        Assert.False(ConfirmationToken.Matches(token.Value, other.Hash));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void RefusesWhatCannotBeAToken(string? text)
    {
        Assert.Null(ConfirmationToken.HashOf(text));
        Assert.False(ConfirmationToken.Matches(text, ConfirmationToken.Issue().Hash));
    }

    [Fact]
    public void AChangedCharacterBreaksTheToken()
    {
        var token = ConfirmationToken.Issue();
        var changed = (token.Value[0] == 'A' ? 'B' : 'A') + token.Value[1..];

        Assert.False(ConfirmationToken.Matches(changed, token.Hash));
    }
}
