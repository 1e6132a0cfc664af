using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DelistPortal.Data.Migrations
{
    /// <summary>
    /// The full-text index gathers up to 16 MB of new terms in memory before it writes a segment
    /// (<see cref="Blocklist.ListingSearch.HashSizeSqlite"/>). A setting of the index itself, kept in its own table.
    /// </summary>
    public partial class ListingSearchHashSize : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            if (migrationBuilder.IsSqlite())
            {
                migrationBuilder.Sql(Blocklist.ListingSearch.HashSizeSqlite);
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            if (migrationBuilder.IsSqlite())
            {
                migrationBuilder.Sql(Blocklist.ListingSearch.DefaultHashSizeSqlite);
            }
        }
    }
}
