using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DelistPortal.Data.Migrations
{
    /// <summary>The history filtered by actor kind reads its pages in time order from an index of its own (issue 12).</summary>
    public partial class HistoryActorKindIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_ListingEvents_ActorKind_At",
                table: "ListingEvents",
                columns: new[] { "ActorKind", "At" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ListingEvents_ActorKind_At",
                table: "ListingEvents");
        }
    }
}
