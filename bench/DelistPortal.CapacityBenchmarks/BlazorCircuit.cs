using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;

namespace DelistPortal.CapacityBenchmarks;

/// <summary>
/// One browser tab's Blazor circuit, opened as blazor.web.js 10 opens it (CircuitManager and WebRootComponentManager):
/// GET the page, take the prerendered server components' markers and the persisted component state from its
/// comments, connect to <c>/_blazor</c> over WebSockets with the "blazorpack" protocol (negotiating first, as the
/// browser does), <c>StartCircuit(baseUri, href, "[]", state)</c>, then <c>UpdateRootComponents</c> adding each marker.
/// Afterwards it does what the page's script must for the circuit to stay healthy: acknowledges every render batch
/// (<c>OnRenderCompleted</c>; unacknowledged batches pile up on the server), answers every JavaScript call the
/// server makes (<c>EndInvokeJSFromDotNet</c>; an unanswered call fails after the JS interop timeout), solves the
/// proof of work the request step asks the browser for, and sends browser events through the renderer's interop
/// object (<c>BeginInvokeDotNetFromJS(..., "DispatchEventAsync", ...)</c>).
/// </summary>
public sealed partial class BlazorCircuit : IAsyncDisposable
{
    private const string AttachInterop = "Blazor._internal.attachWebRendererInterop";
    private const int JSObjectReferenceResult = 1;

    private readonly HubConnection _hub;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<string>> _dotNetCalls = new();
    private readonly TaskCompletionSource _attached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _rootComponentsAdded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _interopObjectId;
    private int _nextCallId;
    private int _nextJSObjectId;
    private long _batches;

    private BlazorCircuit(Uri root, bool keepTree)
    {
        Tree = keepTree ? new RenderTree() : null;
        var builder = new HubConnectionBuilder().WithUrl(new Uri(root, "_blazor"), options => options.Transports = HttpTransportType.WebSockets);
        builder.Services.AddSingleton<IHubProtocol, BlazorPackProtocol>();
        _hub = builder.Build();
        _hub.On<long, byte[]>("JS.RenderBatch", OnRenderBatchAsync);
        _hub.On("JS.BeginInvokeJS", [typeof(long), typeof(string), typeof(string), typeof(int), typeof(long), typeof(int)], OnBeginInvokeJSAsync);
        _hub.On<string, bool, string>("JS.EndInvokeDotNet", OnEndInvokeDotNet);
        _hub.On<long>("JS.EndUpdateRootComponents", _ => _rootComponentsAdded.TrySetResult());
        _hub.On<string>("JS.Error", error => Fail($"the server reported: {error}"));
        _hub.On<int, string>("JS.AttachComponent", (_, _) => { });
        _hub.On<int, bool>("JS.EndLocationChanging", (_, _) => { });
        _hub.On<int, byte[]>("JS.ReceiveByteArray", (_, _) => { });
        _hub.Closed += error =>
        {
            Fail($"the connection closed{(error is null ? "" : ": " + error.Message)}");
            return Task.CompletedTask;
        };
    }

    /// <summary>The page as rendered so far (only when opened with keepTree).</summary>
    public RenderTree? Tree { get; }

    public string? Failure { get; private set; }

    /// <summary>The JavaScript functions the server called (identifier → count), to report what a page costs the browser.</summary>
    public static ConcurrentDictionary<string, int> JSCalls { get; } = new();

    /// <summary>Opens the page and its circuit; <paramref name="gotPage"/> hears how long the prerendered page took.</summary>
    public static async Task<BlazorCircuit> OpenAsync(HttpClient http, Uri page, bool keepTree, TimeSpan timeout, Action<TimeSpan>? gotPage = null)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var html = await http.GetStringAsync(page, cancel.Token);
        gotPage?.Invoke(started.Elapsed);
        var root = new Uri(page, "/");
        var circuit = new BlazorCircuit(root, keepTree);
        try
        {
            await circuit.StartAsync(root, page, html, cancel.Token);
            return circuit;
        }
        catch
        {
            await circuit.DisposeAsync();
            throw;
        }
    }

    private async Task StartAsync(Uri root, Uri page, string html, CancellationToken cancellationToken)
    {
        var markers = MarkerComment().Matches(html)
            .Select(m => JsonNode.Parse(m.Groups[1].Value)!.AsObject())
            .Where(m => (string?)m["type"] == "server")
            .OrderBy(m => (int)m["sequence"]!)
            .ToList();
        if (markers.Count == 0)
        {
            throw new InvalidOperationException($"{page} has no interactive server components.");
        }
        var state = StateComment().Match(html) is { Success: true } found ? found.Groups[1].Value : "";

        await _hub.StartAsync(cancellationToken);
        var circuitId = await _hub.InvokeAsync<string?>("StartCircuit", root.AbsoluteUri, page.AbsoluteUri, "[]", state, cancellationToken);
        if (string.IsNullOrEmpty(circuitId))
        {
            throw new InvalidOperationException($"StartCircuit was refused{(Failure is null ? "" : ": " + Failure)}.");
        }
        var operations = new JsonArray();
        for (var i = 0; i < markers.Count; i++)
        {
            var marker = markers[i];
            marker["uniqueId"] = i;
            operations.Add(new JsonObject { ["type"] = "add", ["ssrComponentId"] = i + 1, ["marker"] = marker });
        }
        var batch = new JsonObject { ["batchId"] = 1, ["operations"] = operations };
        await _hub.SendAsync("UpdateRootComponents", batch.ToJsonString(), state, cancellationToken);
        await _rootComponentsAdded.Task.WaitAsync(cancellationToken);
        await _attached.Task.WaitAsync(cancellationToken);
        // Interactive once the first render batch has been applied and acknowledged.
        await WaitForAsync(() => Interlocked.Read(ref _batches) > 0, cancellationToken);
    }

    /// <summary>Waits until the condition holds, checking it after every render batch.</summary>
    public async Task WaitForAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (true)
        {
            var changed = Volatile.Read(ref _changed);
            ThrowIfFailed();
            if (condition())
            {
                return;
            }
            await changed.Task.WaitAsync(cancellationToken);
        }
    }

    public Task WaitForAsync(Func<bool> condition, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        return WaitForAsync(condition, cancel.Token);
    }

    /// <summary>
    /// A browser event on the element's handler, as EventDelegator sends it; completes when the server's handler has
    /// run to its end (the interop call's answer), having rendered what it rendered.
    /// </summary>
    public async Task DispatchAsync(ulong eventHandlerId, string eventName, object eventArgs, TimeSpan timeout)
    {
        if (eventHandlerId == 0)
        {
            throw new InvalidOperationException($"No handler for '{eventName}' on that element.");
        }
        var callId = Interlocked.Increment(ref _nextCallId).ToString(CultureInfo.InvariantCulture);
        var answer = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _dotNetCalls[callId] = answer;
        var args = JsonSerializer.Serialize<object[]>([new EventDescriptor(eventHandlerId, eventName, null), eventArgs]);
        await _hub.SendAsync("BeginInvokeDotNetFromJS", callId, null, "DispatchEventAsync", Interlocked.Read(ref _interopObjectId), args);
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await answer.Task.WaitAsync(cancel.Token);
        }
        finally
        {
            _dotNetCalls.TryRemove(callId, out _);
        }
    }

    private sealed record EventDescriptor(
        [property: System.Text.Json.Serialization.JsonPropertyName("eventHandlerId")] ulong EventHandlerId,
        [property: System.Text.Json.Serialization.JsonPropertyName("eventName")] string EventName,
        [property: System.Text.Json.Serialization.JsonPropertyName("eventFieldInfo")] object? EventFieldInfo);

    private async Task OnRenderBatchAsync(long batchId, byte[] data)
    {
        string? error = null;
        try
        {
            Tree?.Apply(data);
        }
        catch (Exception ex)
        {
            error = ex.ToString();
            Fail($"render batch {batchId} could not be applied: {ex.Message}");
        }
        Interlocked.Increment(ref _batches);
        // In order, like RenderQueue.completeBatch: the server holds a batch (and the ones after it) until acknowledged.
        await _hub.SendAsync("OnRenderCompleted", batchId, error);
        Signal();
    }

    private async Task OnBeginInvokeJSAsync(object?[] arguments)
    {
        var asyncHandle = (long)arguments[0]!;
        var identifier = (string)arguments[1]!;
        var argsJson = (string?)arguments[2];
        var resultType = (int)arguments[3]!;
        JSCalls.AddOrUpdate(identifier, 1, (_, n) => n + 1);
        object? result = null;
        switch (identifier)
        {
            case AttachInterop:
                // [rendererId, {"__dotNetObject": id}, jsComponentParameters, jsComponentInitializers]
                var interop = JsonNode.Parse(argsJson!)![1]!["__dotNetObject"]!.GetValue<long>();
                Interlocked.Exchange(ref _interopObjectId, interop);
                _attached.TrySetResult();
                break;
            case "solve":
                // proof-of-work.js's solve(challenge): the number, found off the receive loop (as the page's workers do).
                var challenge = JsonNode.Parse(argsJson!)![0]!;
                result = await Task.Run(() => Solve((string)challenge["salt"]!, (string)challenge["challenge"]!, (int)challenge["maxNumber"]!));
                break;
            default:
                if (resultType == JSObjectReferenceResult)
                {
                    // "import" of a module, or any call that hands back a JS object: a reference the server keeps.
                    result = new Dictionary<string, int> { ["__jsObjectId"] = Interlocked.Increment(ref _nextJSObjectId) };
                }
                break;
        }
        if (asyncHandle != 0)
        {
            await _hub.SendAsync("EndInvokeJSFromDotNet", asyncHandle, true, JsonSerializer.Serialize<object?[]>([asyncHandle, true, result]));
        }
    }

    private void OnEndInvokeDotNet(string callId, bool success, string resultOrError)
    {
        if (_dotNetCalls.TryGetValue(callId, out var call))
        {
            if (success)
            {
                call.TrySetResult(resultOrError);
            }
            else
            {
                call.TrySetException(new InvalidOperationException($"The server's handler failed: {resultOrError}"));
            }
        }
    }

    /// <summary>The page's proof-of-work.js in C#: the n from 0 to maxNumber whose hex SHA-256 of salt + n is the challenge.</summary>
    public static int? Solve(string salt, string challenge, int maxNumber)
    {
        var target = Convert.FromHexString(challenge);
        Span<byte> input = stackalloc byte[Encoding.UTF8.GetByteCount(salt) + 11];
        var saltLength = Encoding.UTF8.GetBytes(salt, input);
        Span<byte> hash = stackalloc byte[32];
        for (var n = 0; n <= maxNumber; n++)
        {
            n.TryFormat(input[saltLength..], out var digits, provider: CultureInfo.InvariantCulture);
            SHA256.HashData(input[..(saltLength + digits)], hash);
            if (hash.SequenceEqual(target))
            {
                return n;
            }
        }
        return null;
    }

    private void Fail(string reason)
    {
        Failure ??= reason;
        Signal();
    }

    private void Signal() => Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    private void ThrowIfFailed()
    {
        if (Failure is not null)
        {
            throw new InvalidOperationException($"The circuit failed: {Failure}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        Failure ??= "closed by the benchmark";
        await _hub.DisposeAsync();
    }

    [GeneratedRegex(@"<!--Blazor:(\{""type"":""server"".*?\})-->")]
    private static partial Regex MarkerComment();

    [GeneratedRegex(@"<!--Blazor-Server-Component-State:([A-Za-z0-9+/=]+)-->")]
    private static partial Regex StateComment();
}
