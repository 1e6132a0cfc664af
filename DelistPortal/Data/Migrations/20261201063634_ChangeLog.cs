using DelistPortal.ChangeLog;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DelistPortal.Data.Migrations
{
    /// <summary>The change log every process follows, its triggers (<see cref="ChangeLogTriggers"/>), and setup tokens in the database.</summary>
    public partial class ChangeLog : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AdminSetupTokens",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TokenHash = table.Column<byte[]>(type: "BLOB", nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AdminSetupTokens", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ChangeLog",
                columns: table => new
                {
                    Position = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Topic = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false, defaultValueSql: "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)")
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ChangeLog", x => x.Position);
                });

            migrationBuilder.CreateTable(
                name: "ChangeLogHorizon",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    PrunedThrough = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ChangeLogHorizon", x => x.Id);
                });

            migrationBuilder.InsertData(
                table: "ChangeLogHorizon",
                columns: new[] { "Id", "PrunedThrough" },
                values: new object[] { 1, 0L });

            migrationBuilder.CreateIndex(
                name: "IX_ChangeLog_At",
                table: "ChangeLog",
                column: "At");

            if (migrationBuilder.IsSqlite())
            {
                migrationBuilder.Sql(ChangeLogTriggers.CreateSqlite);
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            if (migrationBuilder.IsSqlite())
            {
                migrationBuilder.Sql(ChangeLogTriggers.DropSqlite);
            }

            migrationBuilder.DropTable(
                name: "AdminSetupTokens");

            migrationBuilder.DropTable(
                name: "ChangeLog");

            migrationBuilder.DropTable(
                name: "ChangeLogHorizon");
        }
    }
}
