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
                    DelistedNetworks = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    ReviewNote = table.Column<string>(type: "TEXT", nullable: true)
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
                    Source = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ListedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    EndedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    SelfServiceAllowed = table.Column<bool>(type: "INTEGER", nullable: false),
                    TimesListedBefore = table.Column<int>(type: "INTEGER", nullable: false),
                    DelistRequestId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    Evidence_FirstSeen = table.Column<long>(type: "INTEGER", nullable: true),
                    Evidence_HeloName = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    Evidence_LastSeen = table.Column<long>(type: "INTEGER", nullable: true),
                    Evidence_SampleCount = table.Column<int>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Listings", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ListingEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ListingId = table.Column<int>(type: "INTEGER", nullable: false),
                    Network = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RangeStart = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 32, nullable: false),
                    RangeEnd = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 32, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ActorKind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ActorName = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    ClientAddress = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    DelistRequestId = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ListingEvents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ListingEvents_Listings_ListingId",
                        column: x => x.ListingId,
                        principalTable: "Listings",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_DelistRequests_Reference",
                table: "DelistRequests",
                column: "Reference",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ListingEvents_At",
                table: "ListingEvents",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_ListingEvents_ListingId",
                table: "ListingEvents",
                column: "ListingId");

            migrationBuilder.CreateIndex(
                name: "IX_ListingEvents_RangeStart_RangeEnd",
                table: "ListingEvents",
                columns: new[] { "RangeStart", "RangeEnd" });

            migrationBuilder.CreateIndex(
                name: "IX_Listings_ActiveNetwork",
                table: "Listings",
                columns: new[] { "RangeStart", "RangeEnd" },
                unique: true,
                filter: "\"Status\" = 'Active'");

            migrationBuilder.CreateIndex(
                name: "IX_Listings_Status_ExpiresAt",
                table: "Listings",
                columns: new[] { "Status", "ExpiresAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DelistRequests");

            migrationBuilder.DropTable(
                name: "ListingEvents");

            migrationBuilder.DropTable(
                name: "Listings");
        }
    }
}
