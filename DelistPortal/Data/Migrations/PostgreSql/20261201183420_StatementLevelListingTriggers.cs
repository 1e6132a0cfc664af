using DelistPortal.Blocklist;
using DelistPortal.ChangeLog;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DelistPortal.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class StatementLevelListingTriggers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The listings' tallies and change log a statement at a time (raw SQL: EF does not model triggers).
            migrationBuilder.Sql(ListingTallies.DropPostgreSql);
            migrationBuilder.Sql(ListingTallies.CreateStatementLevelPostgreSql);
            migrationBuilder.Sql(ChangeLogTriggers.CreateListingsStatementLevelPostgreSql);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(ChangeLogTriggers.DropListingsStatementLevelPostgreSql);
            migrationBuilder.Sql(ListingTallies.DropStatementLevelPostgreSql);
            migrationBuilder.Sql(ListingTallies.CreatePostgreSql);
        }
    }
}
