using DelistPortal.Tests.Support;

namespace DelistPortal.EndToEnd.Support;

/// <summary>
/// The portal on the tests' real PostgreSQL (<see cref="PostgreSqlServer"/>), as an operator of several hosts runs it:
/// <c>Database:Provider</c> and <c>ConnectionStrings:Portal</c> name a database that does not exist yet, and the portal
/// creates, migrates and seeds it on start.
/// </summary>
public sealed class PostgreSqlPortalUnderTest() : PortalUnderTest(withSmtp: true,
    postgreSql: PostgreSqlServer.ConnectionStringFor("e2e_" + Guid.NewGuid().ToString("N")));
