using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DelistPortal.Data.Migrations.PostgreSql
{
    /// <summary>The trigram index on the detail's search key, whose trigrams span words (<see cref="Blocklist.ListingSearch.SearchKeyPostgreSql"/>, ADR 015).</summary>
    public partial class DetailSearchKey : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(Blocklist.ListingSearch.SearchKeyPostgreSql);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(Blocklist.ListingSearch.DetailOnlyFromKeyPostgreSql);
        }
    }
}
