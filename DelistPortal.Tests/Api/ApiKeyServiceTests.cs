using DelistPortal.Api;
using DelistPortal.Data;
using DelistPortal.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace DelistPortal.Tests.Api;

public class ApiKeyServiceTests : IDisposable
{
    private readonly DelistingHarness _harness;

    public ApiKeyServiceTests()
        : this(DatabaseProvider.Sqlite)
    {
    }

    protected ApiKeyServiceTests(DatabaseProvider provider) => _harness = new(provider);

    private ApiKeyService Keys => new(_harness.Database, _harness.Clock, NullLogger<ApiKeyService>.Instance);

    [Fact]
    public async Task ANewKeyVerifiesAndOnlyItsHashIsStored()
    {
        var created = await Keys.CreateAsync("honeypot-1", [ApiScopes.ListingsWrite]);

        var verification = await Keys.VerifyAsync(created.Secret, ApiScopes.ListingsWrite);

        Assert.Equal(ApiKeyCheck.Valid, verification.Check);
        Assert.Equal("honeypot-1", verification.Key!.Name);
        Assert.Equal(DelistingHarness.Start, verification.Key.CreatedAt);
        await using var db = _harness.Database.CreateDbContext();
        var stored = Assert.Single(db.ApiKeys);
        Assert.Equal(32, stored.SecretHash.Length);
        var secret = created.Secret[$"dpk_{created.Key.Id}_".Length..];
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret)), stored.SecretHash);
    }

    [Fact]
    public async Task ARevokedKeyIsRefusedFromTheMomentItIsRevoked()
    {
        var created = await Keys.CreateAsync("feed", [ApiScopes.ListingsWrite]);
        _harness.Clock.Advance(TimeSpan.FromMinutes(5));

        Assert.True(await Keys.RevokeAsync(created.Key.Id));

        Assert.Equal(ApiKeyCheck.Revoked, (await Keys.VerifyAsync(created.Secret, ApiScopes.ListingsWrite)).Check);
        Assert.Equal(DelistingHarness.Start.AddMinutes(5), (await Keys.ListAsync()).Single().RevokedAt);
        Assert.False(await Keys.RevokeAsync(created.Key.Id));
    }

    [Fact]
    public async Task AWrongSecretAnUnknownIdAndNonsenseAreInvalid()
    {
        var created = await Keys.CreateAsync("feed", [ApiScopes.ListingsWrite]);
        var wrongSecret = created.Secret[..^2] + (created.Secret.EndsWith("AA", StringComparison.Ordinal) ? "BB" : "AA");

        Assert.Equal(ApiKeyCheck.Invalid, (await Keys.VerifyAsync(wrongSecret, ApiScopes.ListingsWrite)).Check);
        Assert.Equal(ApiKeyCheck.Invalid, (await Keys.VerifyAsync($"dpk_999_{created.Secret[$"dpk_{created.Key.Id}_".Length..]}", ApiScopes.ListingsWrite)).Check);
        Assert.Equal(ApiKeyCheck.Invalid, (await Keys.VerifyAsync("let-me-in", ApiScopes.ListingsWrite)).Check);
        Assert.Equal(ApiKeyCheck.Missing, (await Keys.VerifyAsync(" ", ApiScopes.ListingsWrite)).Check);
    }

    [Fact]
    public async Task AKeyWithoutTheScopeIsTold()
    {
        var created = await Keys.CreateAsync("secondary", [ApiScopes.ZoneRead]);

        Assert.Equal(ApiKeyCheck.ScopeMissing, (await Keys.VerifyAsync(created.Secret, ApiScopes.ListingsWrite)).Check);
        Assert.Equal(ApiKeyCheck.Valid, (await Keys.VerifyAsync(created.Secret, ApiScopes.ZoneRead)).Check);
    }

    [Fact]
    public async Task UnknownScopesAndEmptyNamesAreRefused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Keys.CreateAsync("x", ["admin:all"]));
        await Assert.ThrowsAsync<ArgumentException>(() => Keys.CreateAsync(" ", [ApiScopes.ZoneRead]));
    }

    public void Dispose()
    {
        _harness.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>The same tests on the real PostgreSQL server.</summary>
public sealed class ApiKeyServiceOnPostgreSqlTests() : ApiKeyServiceTests(DatabaseProvider.PostgreSQL);
