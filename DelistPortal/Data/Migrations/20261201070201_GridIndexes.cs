using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DelistPortal.Data.Migrations
{
    /// <summary>
    /// An index for each filter and sort of the admin grid (see ListingConfiguration), and the per-status, per-reason
    /// tallies that give its totals, with the triggers that keep them (see <see cref="ListingTallies"/>).
    /// </summary>
    public partial class GridIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Listings_Reason_RangeStart",
                table: "Listings");

            migrationBuilder.CreateTable(
                name: "ListingTallies",
                columns: table => new
                {
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ListingTallies", x => new { x.Status, x.Reason });
                });

            migrationBuilder.CreateIndex(
                name: "IX_Listings_EndedNetwork",
                table: "Listings",
                columns: new[] { "Status", "RangeStart", "RangeEnd" },
                filter: "\"Status\" <> 'Active'");

            migrationBuilder.CreateIndex(
                name: "IX_Listings_EndedReasonNetwork",
                table: "Listings",
                columns: new[] { "Status", "Reason", "RangeStart", "RangeEnd" },
                filter: "\"Status\" <> 'Active'");

            migrationBuilder.CreateIndex(
                name: "IX_Listings_ExpiresAt",
                table: "Listings",
                column: "ExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_Listings_Reason_ExpiresAt",
                table: "Listings",
                columns: new[] { "Reason", "ExpiresAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Listings_Reason_ListedAt",
                table: "Listings",
                columns: new[] { "Reason", "ListedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Listings_Reason_RangeStart_RangeEnd",
                table: "Listings",
                columns: new[] { "Reason", "RangeStart", "RangeEnd" });

            migrationBuilder.CreateIndex(
                name: "IX_Listings_Reason_Status_ListedAt",
                table: "Listings",
                columns: new[] { "Reason", "Status", "ListedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Listings_Status_Reason_ExpiresAt",
                table: "Listings",
                columns: new[] { "Status", "Reason", "ExpiresAt" });

            if (migrationBuilder.IsSqlite())
            {
                migrationBuilder.Sql(Blocklist.ListingTallies.CreateSqlite);
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            if (migrationBuilder.IsSqlite())
            {
                migrationBuilder.Sql(Blocklist.ListingTallies.DropSqlite);
            }

            migrationBuilder.DropTable(
                name: "ListingTallies");

            migrationBuilder.DropIndex(
                name: "IX_Listings_EndedNetwork",
                table: "Listings");

            migrationBuilder.DropIndex(
                name: "IX_Listings_EndedReasonNetwork",
                table: "Listings");

            migrationBuilder.DropIndex(
                name: "IX_Listings_ExpiresAt",
                table: "Listings");

            migrationBuilder.DropIndex(
                name: "IX_Listings_Reason_ExpiresAt",
                table: "Listings");

            migrationBuilder.DropIndex(
                name: "IX_Listings_Reason_ListedAt",
                table: "Listings");

            migrationBuilder.DropIndex(
                name: "IX_Listings_Reason_RangeStart_RangeEnd",
                table: "Listings");

            migrationBuilder.DropIndex(
                name: "IX_Listings_Reason_Status_ListedAt",
                table: "Listings");

            migrationBuilder.DropIndex(
                name: "IX_Listings_Status_Reason_ExpiresAt",
                table: "Listings");

            migrationBuilder.CreateIndex(
                name: "IX_Listings_Reason_RangeStart",
                table: "Listings",
                columns: new[] { "Reason", "RangeStart" });
        }
    }
}
