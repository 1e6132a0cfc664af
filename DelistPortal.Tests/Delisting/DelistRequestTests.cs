using DelistPortal.Delisting;

namespace DelistPortal.Tests.Delisting;

public class DelistRequestTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    private static DelistRequest NewRequest() => new()
    {
        Reference = RequestReference.New(),
        Email = "postmaster@example.com",
        IpAddress = System.Net.IPAddress.Parse("203.0.113.7"),
        CreatedAt = Now,
        TokenHash = new byte[32],
        TokenExpiresAt = Now.AddMinutes(30),
    };

    [Fact]
    public void AWaitingRequestCanBeDelistedOnce()
    {
        var request = NewRequest();

        request.MarkDelisted(Now.AddMinutes(5), "198.51.100.9", "203.0.113.7");

        Assert.Equal(DelistRequestState.Delisted, request.State);
        Assert.Equal(Now.AddMinutes(5), request.CompletedAt);
        Assert.Equal("198.51.100.9", request.CompletedFromAddress);
        Assert.Throws<InvalidOperationException>(() => request.MarkDelisted(Now.AddMinutes(6), null, "203.0.113.7"));
    }

    [Fact]
    public void EveryFinalStateIsFinal()
    {
        foreach (var complete in new Action<DelistRequest>[]
                 {
                     r => r.MarkDelisted(Now, null, "203.0.113.7"),
                     r => r.MarkNoLongerListed(Now, null),
                     r => r.MarkExpired(Now),
                 })
        {
            var request = NewRequest();
            complete(request);

            Assert.Throws<InvalidOperationException>(() => request.MarkDelisted(Now, null, "x"));
            Assert.Throws<InvalidOperationException>(() => request.MarkNoLongerListed(Now, null));
            Assert.Throws<InvalidOperationException>(() => request.MarkExpired(Now));
        }
    }

    [Fact]
    public void ARequestExpiresWhenItsLinkDoes()
    {
        var request = NewRequest();

        Assert.False(request.IsExpired(Now.AddMinutes(29)));
        Assert.True(request.IsExpired(Now.AddMinutes(30)));
    }

    [Fact]
    public void ReferencesAreWellFormedAndDistinct()
    {
        var references = Enumerable.Range(0, 500).Select(_ => RequestReference.New()).ToList();

        Assert.All(references, r => Assert.True(RequestReference.IsWellFormed(r), r));
        Assert.Equal(500, references.Distinct().Count());
        Assert.False(RequestReference.IsWellFormed("DL-OOOO-IIII"));
        Assert.False(RequestReference.IsWellFormed("DL-1234-5678' OR 1=1"));
        Assert.False(RequestReference.IsWellFormed(null));
    }

    [Theory]
    [InlineData("DL-7K3M-Q9XF", "DL-7K3M-Q9XF")]
    [InlineData("  dl-7k3m-q9xf ", "DL-7K3M-Q9XF")]
    [InlineData("DL 7K3M Q9XF", "DL-7K3M-Q9XF")]
    [InlineData("7K3MQ9XF", "DL-7K3M-Q9XF")]
    [InlineData("DL7K3M-Q9XF", "DL-7K3M-Q9XF")]
    [InlineData("DL-7K3M-Q9XO", "DL-7K3M-Q9X0")]
    [InlineData("dl-ik3m-llxf", "DL-1K3M-11XF")]
    [InlineData("DLDLDLDL", "DL-D1D1-D1D1")]
    [InlineData("DL-7K3M-Q9X", null)]
    [InlineData("DL-7K3M-Q9XU", null)]
    [InlineData("DL-7K3M-Q9XF-7K3M", null)]
    [InlineData("DL-1234-5678' OR 1=1", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void AMistypedReferenceIsReadTheWayItWasMeant(string? typed, string? expected) =>
        Assert.Equal(expected, RequestReference.Normalize(typed));

    [Fact]
    public void AHugeStringIsNoReference() =>
        Assert.Null(RequestReference.Normalize(new string('7', 100_000)));
}
