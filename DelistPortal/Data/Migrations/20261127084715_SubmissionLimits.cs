using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DelistPortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class SubmissionLimits : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ClientGroup",
                table: "DelistRequests",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TargetRange",
                table: "DelistRequests",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_DelistRequests_ClientGroup_CreatedAt",
                table: "DelistRequests",
                columns: new[] { "ClientGroup", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_DelistRequests_Email_CreatedAt",
                table: "DelistRequests",
                columns: new[] { "Email", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_DelistRequests_IpAddress_CreatedAt",
                table: "DelistRequests",
                columns: new[] { "IpAddress", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_DelistRequests_TargetRange_CreatedAt",
                table: "DelistRequests",
                columns: new[] { "TargetRange", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_DelistRequests_ClientGroup_CreatedAt",
                table: "DelistRequests");

            migrationBuilder.DropIndex(
                name: "IX_DelistRequests_Email_CreatedAt",
                table: "DelistRequests");

            migrationBuilder.DropIndex(
                name: "IX_DelistRequests_IpAddress_CreatedAt",
                table: "DelistRequests");

            migrationBuilder.DropIndex(
                name: "IX_DelistRequests_TargetRange_CreatedAt",
                table: "DelistRequests");

            migrationBuilder.DropColumn(
                name: "ClientGroup",
                table: "DelistRequests");

            migrationBuilder.DropColumn(
                name: "TargetRange",
                table: "DelistRequests");
        }
    }
}
