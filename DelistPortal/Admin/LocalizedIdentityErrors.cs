using DelistPortal.Resources;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Localization;

namespace DelistPortal.Admin;

/// <summary>
/// Identity's messages (password too short, name taken…) in the admin's language, from the portal's own strings:
/// the errors that the account forms can meet under the password and user rules set in AddAdminArea.
/// </summary>
public sealed class LocalizedIdentityErrors(IStringLocalizer<Strings> localizer) : IdentityErrorDescriber
{
    public override IdentityError DefaultError() => Error(nameof(DefaultError), localizer["Identity_DefaultError"]);

    public override IdentityError ConcurrencyFailure() => Error(nameof(ConcurrencyFailure), localizer["Identity_ConcurrencyFailure"]);

    public override IdentityError PasswordTooShort(int length) => Error(nameof(PasswordTooShort), localizer["Identity_PasswordTooShort", length]);

    public override IdentityError PasswordRequiresUniqueChars(int uniqueChars) =>
        Error(nameof(PasswordRequiresUniqueChars), localizer["Identity_PasswordRequiresUniqueChars", uniqueChars]);

    public override IdentityError DuplicateUserName(string userName) => Error(nameof(DuplicateUserName), localizer["Identity_DuplicateUserName", userName]);

    public override IdentityError DuplicateEmail(string email) => Error(nameof(DuplicateEmail), localizer["Identity_DuplicateEmail", email]);

    public override IdentityError InvalidUserName(string? userName) => Error(nameof(InvalidUserName), localizer["Identity_InvalidUserName", userName ?? ""]);

    public override IdentityError InvalidEmail(string? email) => Error(nameof(InvalidEmail), localizer["Identity_InvalidEmail", email ?? ""]);

    private static IdentityError Error(string code, string description) => new() { Code = code, Description = description };
}
