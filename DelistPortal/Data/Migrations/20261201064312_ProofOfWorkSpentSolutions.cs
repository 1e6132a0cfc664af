using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DelistPortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class ProofOfWorkSpentSolutions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "SpentProofsOfWork",
                columns: table => new
                {
                    Challenge = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SpentProofsOfWork", x => x.Challenge);
                });

            migrationBuilder.CreateIndex(
                name: "IX_SpentProofsOfWork_ExpiresAt",
                table: "SpentProofsOfWork",
                column: "ExpiresAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SpentProofsOfWork");
        }
    }
}
