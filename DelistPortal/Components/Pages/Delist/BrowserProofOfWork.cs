using DelistPortal.Delisting;
using Microsoft.JSInterop;

namespace DelistPortal.Components.Pages.Delist;

/// <summary>
/// The request step's side of the proof of work: takes a challenge from <see cref="ProofOfWork"/>, has the browser
/// solve it in Web Workers (wwwroot/proof-of-work.js) while the sender types, and hands the solution to Submit.
/// Nothing is shown and nothing is stored in the browser. Lives as long as the request step; the challenge stays on
/// the server side of the circuit, only the number comes from the browser.
/// </summary>
public sealed class BrowserProofOfWork(ProofOfWork proofOfWork, IJSRuntime js, TimeProvider time, ILogger logger) : IAsyncDisposable
{
    public const string ModulePath = "./proof-of-work.js";

    /// <summary>A solve that takes longer than this (a very slow device, a huge MaxNumber) counts as failed.</summary>
    private static readonly TimeSpan SolveTimeout = TimeSpan.FromMinutes(2);

    /// <summary>A solution this close to its expiry is solved again before Submit uses it.</summary>
    private static readonly TimeSpan ExpiryMargin = TimeSpan.FromSeconds(30);

    private IJSObjectReference? _module;
    private Task<Attempt>? _pending;

    /// <summary>Starts solving a new challenge in the background, unless one is being solved or waits for Submit.</summary>
    public void Prepare()
    {
        if (proofOfWork.Enabled)
        {
            _pending ??= SolveAsync();
        }
    }

    /// <summary>
    /// The solution for this Submit: the one prepared in the background (waiting for it if need be), or a fresh one
    /// when it failed or has aged. Null when the proof of work is off, or the browser could not solve it (the service
    /// then refuses the request with a message). Each solution is handed out once; call <see cref="Prepare"/> for the next.
    /// </summary>
    public async Task<ProofOfWorkSolution?> TakeAsync()
    {
        if (!proofOfWork.Enabled)
        {
            return null;
        }
        var attempt = await (_pending ?? SolveAsync());
        _pending = null;
        if (attempt.Solution is null || attempt.ExpiresAt - ExpiryMargin <= time.GetUtcNow())
        {
            attempt = await SolveAsync();
        }
        return attempt.Solution;
    }

    private async Task<Attempt> SolveAsync()
    {
        var challenge = proofOfWork.Issue();
        try
        {
            _module ??= await js.InvokeAsync<IJSObjectReference>("import", ModulePath);
            var number = await _module.InvokeAsync<int?>("solve", SolveTimeout, challenge);
            if (number is null)
            {
                logger.LogInformation("The browser could not solve the proof of work (no Web Crypto or no Web Workers)");
            }
            return new Attempt(number is { } found ? challenge.SolvedWith(found) : null, challenge.ExpiresAt);
        }
        catch (Exception ex) when (ex is JSException or JSDisconnectedException or TaskCanceledException or System.Text.Json.JsonException)
        {
            logger.LogInformation(ex, "The browser failed to solve the proof of work");
            return new Attempt(null, challenge.ExpiresAt);
        }
    }

    private sealed record Attempt(ProofOfWorkSolution? Solution, DateTimeOffset ExpiresAt);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_module is not null)
            {
                await _module.DisposeAsync();
            }
        }
        catch (JSDisconnectedException)
        {
            // The circuit is gone, and the module with it.
        }
    }
}
