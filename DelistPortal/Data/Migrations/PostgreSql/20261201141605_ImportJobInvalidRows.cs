using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DelistPortal.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class ImportJobInvalidRows : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Invalid",
                table: "ImportJobs",
                type: "integer",
                nullable: false,
                defaultValue: 0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Invalid",
                table: "ImportJobs");
        }
    }
}
