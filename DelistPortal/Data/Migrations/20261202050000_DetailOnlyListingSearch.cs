using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DelistPortal.Data.Migrations
{
    /// <summary>
    /// The full-text index holds the listings' detail alone (<see cref="Blocklist.ListingSearch.DetailOnlySqlite"/>); the
    /// grid finds a network by its beginning through the index of network starts. Every row is indexed again.
    /// </summary>
    public partial class DetailOnlyListingSearch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            if (migrationBuilder.IsSqlite())
            {
                migrationBuilder.Sql(Blocklist.ListingSearch.DetailOnlySqlite);
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            if (migrationBuilder.IsSqlite())
            {
                migrationBuilder.Sql(Blocklist.ListingSearch.NetworkAndDetailSqlite);
            }
        }
    }
}
