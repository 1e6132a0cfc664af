using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DelistPortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class InitialCreate : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "DelistRequests",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Reference = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Email = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    IpAddress = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    RequestedFromAddress = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    TokenHash = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: false),
                    TokenExpiresAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ConfirmationsSent = table.Column<int>(type: "INTEGER", nullable: false),
                    LastConfirmationSentAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CompletedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CompletedFromAddress = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    DelistedNetworks = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DelistRequests", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Listings",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Network = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RangeStart = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 32, nullable: false),
                    RangeEnd = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 32, nullable: false),
                    PrefixLength = table.Column<int>(type: "INTEGER", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Detail = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    ListedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: true),
                    DelistedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    DelistedBy = table.Column<string>(type: "TEXT", maxLength: 254, nullable: true),
                    DelistedFromAddress = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    DelistRequestId = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Listings", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_DelistRequests_Reference",
                table: "DelistRequests",
                column: "Reference",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Listings_RangeStart_RangeEnd",
                table: "Listings",
                columns: new[] { "RangeStart", "RangeEnd" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DelistRequests");

            migrationBuilder.DropTable(
                name: "Listings");
        }
    }
}
