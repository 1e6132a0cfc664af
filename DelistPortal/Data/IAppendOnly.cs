namespace DelistPortal.Data;

/// <summary>
/// An entity whose rows are never changed or deleted once written: <see cref="PortalDbContext"/> refuses such a save
/// with <see cref="RewriteRefusal"/> (the feature's own triggers refuse it to plain SQL too).
/// </summary>
public interface IAppendOnly
{
    /// <summary>The message of the refusal, in the feature's words.</summary>
    string RewriteRefusal { get; }
}
