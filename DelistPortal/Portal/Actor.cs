namespace DelistPortal.Portal;

public enum ActorKind
{
    Admin,
    Requester,
    ApiKey,
    System,
}

/// <summary>Who made a change: an admin user, a requester's confirmed email, an API key's name, or the portal itself.</summary>
public sealed record Actor(ActorKind Kind, string Name)
{
    public static readonly Actor System = new(ActorKind.System, "system");

    public static Actor Admin(string userName) => new(ActorKind.Admin, userName);

    public static Actor Requester(string email) => new(ActorKind.Requester, email);

    public static Actor ApiKey(string keyName) => new(ActorKind.ApiKey, keyName);
}
