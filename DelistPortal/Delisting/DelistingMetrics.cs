using DelistPortal.Portal;

namespace DelistPortal.Delisting;

/// <summary>The delist request counter's outcomes, named from Delisting's own results, so the meter knows no feature.</summary>
public static class DelistingMetrics
{
    public static void Submitted(this PortalMetrics metrics, SubmitOutcome outcome) => metrics.DelistRequest(outcome switch
    {
        SubmitOutcome.ConfirmationSent => "submitted",
        SubmitOutcome.NotListed => "not_listed",
        SubmitOutcome.TooManyRequests => "refused_by_limit",
        SubmitOutcome.ProofOfWorkRefused => "refused_proof_of_work",
        _ => "invalid",
    });

    /// <summary>The Delist click's result; a click that completed a request is also counted as "confirmed".</summary>
    public static void DelistClicked(this PortalMetrics metrics, ConfirmationStatus status)
    {
        if (status is ConfirmationStatus.Delisted or ConfirmationStatus.SentToReview or ConfirmationStatus.NotListedAnyMore)
        {
            metrics.DelistRequest("confirmed");
        }
        switch (status)
        {
            case ConfirmationStatus.Delisted:
                metrics.DelistRequest("delisted");
                break;
            case ConfirmationStatus.SentToReview:
                metrics.DelistRequest("to_review");
                break;
            case ConfirmationStatus.Expired:
                metrics.DelistRequest("expired");
                break;
        }
    }
}
