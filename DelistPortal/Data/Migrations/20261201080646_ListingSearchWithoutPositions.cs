using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DelistPortal.Data.Migrations
{
    /// <summary>The full-text index again, without positions (see <see cref="Data.ListingSearch.WithoutPositionsSqlite"/>); rebuilt from the listings.</summary>
    public partial class ListingSearchWithoutPositions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            if (migrationBuilder.IsSqlite())
            {
                migrationBuilder.Sql(Data.ListingSearch.WithoutPositionsSqlite);
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            if (migrationBuilder.IsSqlite())
            {
                migrationBuilder.Sql(Data.ListingSearch.DropSqlite);
                migrationBuilder.Sql(Data.ListingSearch.CreateSqlite);
            }
        }
    }
}
