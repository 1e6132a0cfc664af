using Bunit;
using DelistPortal.Components.Pages.Delist;
using DelistPortal.Delisting;
using DelistPortal.Tests.Support;

namespace DelistPortal.Tests.Components;

/// <summary>
/// Stands in for wwwroot/proof-of-work.js in bunit: answers the request step's <c>solve(challenge)</c> with the number
/// found by a real solve in C#, or with what a test wants the browser to answer (nothing, a wrong number, a failure).
/// </summary>
public sealed class BrowserSolver() : JSRuntimeInvocationHandlerBase<int?>(
    new InvocationMatcher(invocation => invocation.Identifier == "solve"), isCatchAllHandler: false)
{
    /// <summary>What the browser answers for a challenge; a real solve unless a test changes it.</summary>
    public Func<ProofOfWorkChallenge, int?> Answer { get; set; } = ProofOfWorkSolver.FindNumber;

    /// <summary>Makes the solve fail as a JavaScript error would.</summary>
    public bool Throws { get; set; }

    /// <summary>While set and not completed, solves wait for it: a slow browser, still solving when Submit is pressed.</summary>
    public TaskCompletionSource? Hold { get; set; }

    /// <summary>Adds the stand-in to a test's JS interop, for the module the request step imports.</summary>
    public static BrowserSolver AddTo(BunitJSInterop jsInterop)
    {
        var solver = new BrowserSolver();
        jsInterop.SetupModule(BrowserProofOfWork.ModulePath).AddInvocationHandler(solver);
        return solver;
    }

    protected override Task<int?> HandleAsync(JSRuntimeInvocation invocation)
    {
        _ = base.HandleAsync(invocation);
        var challenge = (ProofOfWorkChallenge)invocation.Arguments[0]!;
        if (Throws)
        {
            return Task.FromException<int?>(new Microsoft.JSInterop.JSException("Worker failed"));
        }
        // Answered at once unless held: the solve then completes on the renderer, as the JS result would.
        return Hold is { } hold ? SolveAfterAsync(hold.Task, challenge) : Task.FromResult(Answer(challenge));
    }

    private async Task<int?> SolveAfterAsync(Task hold, ProofOfWorkChallenge challenge)
    {
        await hold;
        return Answer(challenge);
    }
}
