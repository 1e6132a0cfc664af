using DelistPortal.Admin;
using DelistPortal.Blocklist;

namespace DelistPortal.Tests.Admin;

/// <summary>Which part of a text the trigram index is asked for on PostgreSQL, from the planner's sample of the columns.</summary>
public sealed class PostgreSqlTextLookupTests
{
    private static readonly PostgreSqlTextLookup.Sample Sample = new(
    [
        new PostgreSqlTextLookup.Sample.Column(0, ["Benchmark listing 1: mail to spam traps."], [0.5f],
            ["Benchmark listing 20: mail to spam traps.", "Benchmark listing 377: mail to spam traps.", "Benchmark listing 77777: mail to spam traps."]),
    ]);

    [Fact]
    public void TheSampleWeighsCommonValuesByTheirShareAndTheHistogramByWhatIsLeft()
    {
        Assert.Equal(1.0, Sample.Share("SPAM TRAPS"), 6);
        Assert.Equal(0.5 / 3, Sample.Share("77777"), 6);
        Assert.Equal(0.5, Sample.Share("listing 1"), 6);
        Assert.Equal(0.5 / 3, Sample.Share("listing 3"), 6);
    }

    [Fact]
    public void TheIndexIsAskedForTheRarestWordWithItsNeighbours()
    {
        Assert.Equal(" 99999:", PostgreSqlTextLookup.IndexPart("Benchmark listing 99999: mail", Sample.Share));
    }

    [Fact]
    public void TheWholeTextWhenNoWordIsRarerThanTheOthers()
    {
        Assert.Equal("spam traps", PostgreSqlTextLookup.IndexPart("spam traps", Sample.Share));
        // "12" is too short for a trigram of its own.
        Assert.Equal("listing 12", PostgreSqlTextLookup.IndexPart("listing 12", Sample.Share));
        Assert.Equal("unknown", PostgreSqlTextLookup.IndexPart("unknown", Sample.Share));
        // "377" is in a sixth of the rows: too many to fetch and sort rather than walk.
        Assert.Equal("listing 377", PostgreSqlTextLookup.IndexPart("listing 377", Sample.Share));
        // Before the first ANALYZE: no sample, nothing to choose by.
        Assert.Equal("rented vps", PostgreSqlTextLookup.IndexPart("rented vps", new PostgreSqlTextLookup.Sample([]).Share));
    }

    [Fact]
    public void ATextInManyRowsIsWalkedWithoutTheIndex()
    {
        Assert.Null(PostgreSqlTextLookup.IndexPartOrWalk("spam traps", Sample));
        Assert.Null(PostgreSqlTextLookup.IndexPartOrWalk("listing 1", Sample));
        // Common words, in no row: the index's trigrams across them ("mqm") are in no row either.
        Assert.Equal("spam m", PostgreSqlTextLookup.IndexPartOrWalk("spam mail", Sample));
        Assert.Equal(" 99999:", PostgreSqlTextLookup.IndexPartOrWalk("Benchmark listing 99999: mail", Sample));
    }

    [Fact]
    public void ARareTextWithoutARareWordIsAskedForItsNarrowestEnd()
    {
        // "listing 12" is in no sampled value; "g 12" in none either, "list" in every one.
        Assert.Equal("g 12", PostgreSqlTextLookup.IndexPartOrWalk("listing 12", Sample));
        // In a sixth of the values, as " 377" alone.
        Assert.Equal(" 377", PostgreSqlTextLookup.IndexPartOrWalk("listing 377", Sample));
        Assert.Equal("abc", PostgreSqlTextLookup.IndexPartOrWalk("abc", Sample));
        // Before the first ANALYZE: no sample, and every end would look as rare as the text.
        Assert.Equal("listing 12", PostgreSqlTextLookup.IndexPartOrWalk("listing 12", new PostgreSqlTextLookup.Sample([])));
    }

    [Fact]
    public void TheSearchKeyWritesSpacesAsALetterAndKeepsTheRest()
    {
        Assert.Equal("Trapsqmail:q50%qoff_", ListingSearch.KeyFor("Traps mail: 50% off_"));
        Assert.Equal("11.0.3.16/32", ListingSearch.KeyFor("11.0.3.16/32"));
    }
}
