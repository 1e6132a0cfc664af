using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DelistPortal.Data.Migrations
{
    /// <summary>
    /// An import's listings are put in the full-text index after the import, in one pass, instead of row by row
    /// (<see cref="Blocklist.ListingSearch.DeferSqlite"/>, docs/decisions/011). Tables outside the EF model, like the index itself.
    /// </summary>
    public partial class DeferredListingSearch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            if (migrationBuilder.IsSqlite())
            {
                migrationBuilder.Sql(Blocklist.ListingSearch.DeferSqlite);
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            if (migrationBuilder.IsSqlite())
            {
                migrationBuilder.Sql(Blocklist.ListingSearch.UndeferSqlite);
            }
        }
    }
}
