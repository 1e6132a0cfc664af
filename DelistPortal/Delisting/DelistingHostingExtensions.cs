using DelistPortal.Email;

namespace DelistPortal.Delisting;

public static class DelistingHostingExtensions
{
    /// <summary>The rules of self-service delisting, and the mail they send (written by the outbox, in every role that runs it).</summary>
    public static IServiceCollection AddDelisting(this IServiceCollection services)
    {
        services.AddOptions<DelistingOptions>().BindConfiguration(DelistingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ProofOfWorkOptions>().BindConfiguration(ProofOfWorkOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SubmissionLimitOptions>().BindConfiguration(SubmissionLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SubmissionLimits>();
        services.AddSingleton<ProofOfWork>();
        services.AddSingleton<IOutboxMailWriter, ConfirmationMailer>();
        services.AddSingleton<IOutboxMailWriter, ReviewMailer>();
        services.AddScoped<DelistService>();
        services.AddScoped<RequestStatusQuery>();
        return services;
    }
}
