using DelistPortal.Blocklist;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DelistPortal.Data.Migrations
{
    /// <summary>Makes ListingEvents append-only in the database itself (see <see cref="HistoryTriggers"/>).</summary>
    public partial class HistoryIsAppendOnly : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            if (migrationBuilder.IsSqlite())
            {
                migrationBuilder.Sql(HistoryTriggers.CreateSqlite);
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            if (migrationBuilder.IsSqlite())
            {
                migrationBuilder.Sql(HistoryTriggers.DropSqlite);
            }
        }
    }
}
