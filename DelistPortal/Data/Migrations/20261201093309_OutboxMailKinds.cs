using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DelistPortal.Data.Migrations
{
    /// <summary>
    /// The outbox carries every kind of mail (the review outcome too, which was sent inline and lost when SMTP was
    /// down): a Kind per message; the mail queued before it was all confirmation mail.
    /// </summary>
    public partial class OutboxMailKinds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Kind",
                table: "OutboxMessages",
                type: "TEXT",
                maxLength: 64,
                nullable: false,
                defaultValue: "Confirmation");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Kind",
                table: "OutboxMessages");
        }
    }
}
