using DelistPortal.ChangeLog;
using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DelistPortal.Data.Migrations
{
    /// <summary>
    /// Range exceptions (docs/decisions/008): the ListingExceptions table with its change-log triggers
    /// (<see cref="ChangeLogTriggers.CreateExceptionsSqlite"/>, topic "Exception"), and what a request freed from ranges.
    /// </summary>
    public partial class ListingExceptions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ExceptedFrom",
                table: "DelistRequests",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ExceptedNetwork",
                table: "DelistRequests",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ListingExceptions",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ListingId = table.Column<int>(type: "INTEGER", nullable: false),
                    Network = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RangeStart = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 32, nullable: false),
                    RangeEnd = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 32, nullable: false),
                    PrefixLength = table.Column<int>(type: "INTEGER", nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ActorKind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ActorName = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    DelistRequestId = table.Column<Guid>(type: "TEXT", nullable: true),
                    EndedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    EndedBy = table.Column<string>(type: "TEXT", maxLength: 254, nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ListingExceptions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ListingExceptions_Listings_ListingId",
                        column: x => x.ListingId,
                        principalTable: "Listings",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ListingExceptions_ActiveNetwork",
                table: "ListingExceptions",
                columns: new[] { "ListingId", "RangeStart", "RangeEnd" },
                unique: true,
                filter: "\"Status\" = 'Active'");

            migrationBuilder.CreateIndex(
                name: "IX_ListingExceptions_ListingId_Status",
                table: "ListingExceptions",
                columns: new[] { "ListingId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_ListingExceptions_RangeStart_RangeEnd",
                table: "ListingExceptions",
                columns: new[] { "RangeStart", "RangeEnd" });

            if (migrationBuilder.IsSqlite())
            {
                migrationBuilder.Sql(ChangeLogTriggers.CreateExceptionsSqlite);
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            if (migrationBuilder.IsSqlite())
            {
                migrationBuilder.Sql(ChangeLogTriggers.DropExceptionsSqlite);
            }

            migrationBuilder.DropTable(
                name: "ListingExceptions");

            migrationBuilder.DropColumn(
                name: "ExceptedFrom",
                table: "DelistRequests");

            migrationBuilder.DropColumn(
                name: "ExceptedNetwork",
                table: "DelistRequests");
        }
    }
}
