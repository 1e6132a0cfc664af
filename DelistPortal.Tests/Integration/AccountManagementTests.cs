using DelistPortal.Portal;
using System.Net;
using System.Security.Claims;
using DelistPortal.Admin;
using DelistPortal.Data;
using DelistPortal.Tests.Support;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace DelistPortal.Tests.Integration;

/// <summary>
/// Changing an account's role and removing an account, through <see cref="AdminUserService"/> as the real app wires
/// it: who may, the last admin, two admins at once, and that the account's open sessions end.
/// </summary>
public sealed class AccountManagementTests : IAsyncLifetime
{
    private const string Password = "correct horse battery staple";

    private readonly PortalFactory _factory = new();

    private AdminUserService Accounts => _factory.Services.GetRequiredService<AdminUserService>();

    public async Task InitializeAsync()
    {
        // Start-up creates the two roles; the service needs an admin in the database to act, made here directly.
        _ = _factory.Server;
        var created = await Accounts.CreateAsync(Principals.Admin("setup"), "alice", "alice@example.net", Password, AdminRoles.Admin);
        Assert.True(created.Succeeded, string.Join("; ", created.Errors));
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task AViewerOrAnAnonymousCallerCanNeitherChangeNorRemoveAnAccount()
    {
        var victor = await AddAsync("victor", AdminRoles.Viewer);
        var alice = await RowAsync("alice");

        foreach (var caller in new[] { Principals.Viewer("victor"), Principals.Anonymous })
        {
            await Assert.ThrowsAsync<AdminAccessDeniedException>(() => Accounts.ChangeRoleAsync(caller, victor.Id, victor.Stamp, AdminRoles.Admin));
            await Assert.ThrowsAsync<AdminAccessDeniedException>(() => Accounts.ChangeRoleAsync(caller, alice.Id, alice.Stamp, AdminRoles.Viewer));
            await Assert.ThrowsAsync<AdminAccessDeniedException>(() => Accounts.RemoveAsync(caller, alice.Id, alice.Stamp));
        }

        Assert.Equal(AdminRoles.Viewer, (await RowAsync("victor")).Role);
        Assert.Equal(AdminRoles.Admin, (await RowAsync("alice")).Role);
    }

    [Fact]
    public async Task AnAdminClaimThatTheDatabaseNoLongerBacksIsRefused()
    {
        // Victor's cookie says Admin, but he has been made a viewer (or removed) since.
        await AddAsync("victor", AdminRoles.Viewer);
        var alice = await RowAsync("alice");

        await Assert.ThrowsAsync<AdminAccessDeniedException>(() => Accounts.RemoveAsync(Principals.Admin("victor"), alice.Id, alice.Stamp));
        await Assert.ThrowsAsync<AdminAccessDeniedException>(() => Accounts.RemoveAsync(Principals.Admin("mallory"), alice.Id, alice.Stamp));

        Assert.Equal(AdminRoles.Admin, (await RowAsync("alice")).Role);
    }

    [Fact]
    public async Task TheLastAdminCanBeNeitherMadeAViewerNorRemoved()
    {
        await AddAsync("victor", AdminRoles.Viewer);
        var alice = await RowAsync("alice");

        var demoted = await Accounts.ChangeRoleAsync(Principals.Admin("alice"), alice.Id, alice.Stamp, AdminRoles.Viewer);
        var removed = await Accounts.RemoveAsync(Principals.Admin("alice"), alice.Id, alice.Stamp);

        Assert.Equal(new AccountChangeResult(AccountChangeOutcome.LastAdmin, "alice"), demoted);
        Assert.Equal(new AccountChangeResult(AccountChangeOutcome.LastAdmin, "alice"), removed);
        Assert.Equal(AdminRoles.Admin, (await RowAsync("alice")).Role);
    }

    [Fact]
    public async Task AnAdminCannotRemoveTheirOwnAccountButMayStepDownWhileAnotherAdminRemains()
    {
        await AddAsync("bob", AdminRoles.Admin);

        var ownRemoval = await Accounts.RemoveAsync(Principals.Admin("alice"), (await RowAsync("alice")).Id, (await RowAsync("alice")).Stamp);
        var stepDown = await Accounts.ChangeRoleAsync(Principals.Admin("alice"), (await RowAsync("alice")).Id, (await RowAsync("alice")).Stamp, AdminRoles.Viewer);
        var removedByBob = await Accounts.RemoveAsync(Principals.Admin("bob"), (await RowAsync("alice")).Id, (await RowAsync("alice")).Stamp);

        Assert.Equal(AccountChangeOutcome.OwnAccount, ownRemoval.Outcome);
        Assert.Equal(AccountChangeOutcome.Done, stepDown.Outcome);
        Assert.Equal(AccountChangeOutcome.Done, removedByBob.Outcome);
        Assert.Equal(["bob"], (await Accounts.ListAsync(Principals.Admin("bob"))).Select(u => u.UserName));
        await using var db = await _factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        Assert.Equal(1, await db.UserRoles.CountAsync());
    }

    [Fact]
    public async Task TheSecondOfTwoAdminsActingOnTheSameAccountIsToldAndOverwritesNothing()
    {
        await AddAsync("bob", AdminRoles.Admin);
        var seenByBoth = await AddAsync("victor", AdminRoles.Viewer);

        var bobFirst = await Accounts.ChangeRoleAsync(Principals.Admin("bob"), seenByBoth.Id, seenByBoth.Stamp, AdminRoles.Admin);
        var aliceRemoves = await Accounts.RemoveAsync(Principals.Admin("alice"), seenByBoth.Id, seenByBoth.Stamp);
        var aliceReRoles = await Accounts.ChangeRoleAsync(Principals.Admin("alice"), seenByBoth.Id, seenByBoth.Stamp, AdminRoles.Viewer);

        Assert.True(bobFirst.Succeeded);
        Assert.Equal(new AccountChangeResult(AccountChangeOutcome.Conflict, "victor"), aliceRemoves);
        Assert.Equal(new AccountChangeResult(AccountChangeOutcome.Conflict, "victor"), aliceReRoles);
        Assert.Equal(AdminRoles.Admin, (await RowAsync("victor")).Role);
    }

    [Fact]
    public async Task AFailedSignInOfTheAccountAfterThePageLoadedIsNoChangeToIt()
    {
        var seen = await AddAsync("victor", AdminRoles.Viewer);
        using var victorsBrowser = new AdminHttpClient(_factory);
        await victorsBrowser.SignInAsync("victor", "not the password");
        Assert.Equal(1, (await RowAsync("victor")).FailedAttempts);

        var promoted = await Accounts.ChangeRoleAsync(Principals.Admin("alice"), seen.Id, seen.Stamp, AdminRoles.Admin);

        Assert.True(promoted.Succeeded, promoted.Outcome.ToString());
        Assert.Equal(AdminRoles.Admin, (await RowAsync("victor")).Role);
    }

    [Fact]
    public async Task AnAccountRemovedMeanwhileIsReportedAsGone()
    {
        var victor = await AddAsync("victor", AdminRoles.Viewer);
        Assert.True((await Accounts.RemoveAsync(Principals.Admin("alice"), victor.Id, victor.Stamp)).Succeeded);

        var again = await Accounts.ChangeRoleAsync(Principals.Admin("alice"), victor.Id, victor.Stamp, AdminRoles.Admin);

        Assert.Equal(AccountChangeOutcome.NotFound, again.Outcome);
    }

    [Fact]
    public async Task TwoAdminsDemotingEachOtherAtOnceLeaveOneAdmin()
    {
        await AddAsync("bob", AdminRoles.Admin);
        var (alice, bob) = (await RowAsync("alice"), await RowAsync("bob"));

        var outcomes = await Task.WhenAll(
            OutcomeAsync(() => Accounts.ChangeRoleAsync(Principals.Admin("alice"), bob.Id, bob.Stamp, AdminRoles.Viewer)),
            OutcomeAsync(() => Accounts.ChangeRoleAsync(Principals.Admin("bob"), alice.Id, alice.Stamp, AdminRoles.Viewer)));

        // One runs first; the other finds its caller no longer an admin (or the target the last one) and changes nothing.
        Assert.Single(outcomes, o => o == "Done");
        Assert.Single(await Accounts.ListAsync(Principals.Viewer()), u => u.Role == AdminRoles.Admin);
    }

    [Fact]
    public async Task ARemovedOrDemotedAccountIsSignedOutAtItsNextRequest()
    {
        var victor = await AddAsync("victor", AdminRoles.Viewer);
        var bob = await AddAsync("bob", AdminRoles.Admin);
        using var victorsBrowser = new AdminHttpClient(_factory);
        using var bobsBrowser = new AdminHttpClient(_factory);
        await victorsBrowser.SignInAsync("victor", Password);
        await bobsBrowser.SignInAsync("bob", Password);
        Assert.Equal(HttpStatusCode.OK, (await victorsBrowser.GetAsync("/admin/users")).StatusCode);
        Assert.Contains("Add account", await bobsBrowser.GetHtmlAsync("/admin/users"));

        Assert.True((await Accounts.RemoveAsync(Principals.Admin("alice"), victor.Id, victor.Stamp)).Succeeded);
        Assert.True((await Accounts.ChangeRoleAsync(Principals.Admin("alice"), bob.Id, bob.Stamp, AdminRoles.Viewer)).Succeeded);

        Assert.Equal(HttpStatusCode.Redirect, (await victorsBrowser.GetAsync("/admin/users")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await victorsBrowser.GetAsync("/admin/export/listings.csv")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await bobsBrowser.GetAsync("/admin/users")).StatusCode);
        await bobsBrowser.SignInAsync("bob", Password);
        Assert.DoesNotContain("Add account", await bobsBrowser.GetHtmlAsync("/admin/users"));
    }

    [Fact]
    public async Task AnOpenCircuitOfARemovedOrDemotedAccountIsSignedOutAtOnce()
    {
        var victor = await AddAsync("victor", AdminRoles.Viewer);
        var bob = await AddAsync("bob", AdminRoles.Admin);
        using var victorsCircuit = await CircuitAsync("victor");
        using var bobsCircuit = await CircuitAsync("bob");
        using var alicesCircuit = await CircuitAsync("alice");

        Assert.True((await Accounts.RemoveAsync(Principals.Admin("alice"), victor.Id, victor.Stamp)).Succeeded);
        Assert.True((await Accounts.ChangeRoleAsync(Principals.Admin("alice"), bob.Id, bob.Stamp, AdminRoles.Viewer)).Succeeded);

        // Well before the five-minute revalidation.
        Assert.False((await victorsCircuit.SignedOut.WaitAsync(TimeSpan.FromSeconds(10))).Identity?.IsAuthenticated);
        Assert.False((await bobsCircuit.SignedOut.WaitAsync(TimeSpan.FromSeconds(10))).Identity?.IsAuthenticated);
        Assert.False(alicesCircuit.SignedOut.IsCompleted);
        Assert.True((await alicesCircuit.Provider.GetAuthenticationStateAsync()).User.Identity?.IsAuthenticated);
    }

    private async Task<AdminUserRow> AddAsync(string userName, string role)
    {
        var created = await Accounts.CreateAsync(Principals.Admin("alice"), userName, $"{userName}@example.net", Password, role);
        Assert.True(created.Succeeded, string.Join("; ", created.Errors));
        return await RowAsync(userName);
    }

    private async Task<AdminUserRow> RowAsync(string userName) =>
        (await Accounts.ListAsync(Principals.Admin("alice"))).Single(u => u.UserName == userName);

    private static async Task<string> OutcomeAsync(Func<Task<AccountChangeResult>> change)
    {
        try
        {
            return (await change()).Outcome.ToString();
        }
        catch (AdminAccessDeniedException)
        {
            return "Denied";
        }
    }

    /// <summary>The authentication state of one circuit signed in as this account, as after the cookie was read.</summary>
    private async Task<Circuit> CircuitAsync(string userName)
    {
        var scope = _factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AdminUser>>();
        var principal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<AdminUser>>()
            .CreateAsync((await users.FindByNameAsync(userName))!);
        var provider = scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>();
        ((IHostEnvironmentAuthenticationStateProvider)provider).SetAuthenticationState(Task.FromResult(new AuthenticationState(principal)));
        return new Circuit(scope, provider);
    }

    private sealed class Circuit : IDisposable
    {
        private readonly AsyncServiceScope _scope;
        private readonly TaskCompletionSource<ClaimsPrincipal> _signedOut = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Circuit(AsyncServiceScope scope, AuthenticationStateProvider provider)
        {
            (_scope, Provider) = (scope, provider);
            provider.AuthenticationStateChanged += async state => _signedOut.TrySetResult((await state).User);
        }

        public AuthenticationStateProvider Provider { get; }

        /// <summary>Completes with the circuit's user when the provider changes it.</summary>
        public Task<ClaimsPrincipal> SignedOut => _signedOut.Task;

        public void Dispose() => _scope.Dispose();
    }
}
