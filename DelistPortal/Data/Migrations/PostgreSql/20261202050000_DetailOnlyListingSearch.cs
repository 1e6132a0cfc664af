using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DelistPortal.Data.Migrations.PostgreSql
{
    /// <summary>The trigram index holds the listings' detail alone (<see cref="Blocklist.ListingSearch.DetailOnlyPostgreSql"/>), as on SQLite.</summary>
    public partial class DetailOnlyListingSearch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(Blocklist.ListingSearch.DetailOnlyPostgreSql);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(Blocklist.ListingSearch.NetworkAndDetailPostgreSql);
        }
    }
}
