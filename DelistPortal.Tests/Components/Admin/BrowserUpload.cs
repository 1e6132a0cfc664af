using System.Security.Claims;
using Bunit;
using DelistPortal.Admin;

namespace DelistPortal.Tests.Components.Admin;

/// <summary>
/// Stands in for wwwroot/import-upload.js in bUnit: posts the chosen file with the page's ticket to the portal's
/// <see cref="ImportUploads"/>, as the browser's request to the upload endpoint does, and answers its HTTP status
/// (the endpoint over HTTP: AdminAccessTests; in Chromium: the e2e import tests).
/// </summary>
public sealed class BrowserUpload(ImportUploads uploads, ClaimsPrincipal user) : JSRuntimeInvocationHandlerBase<int>(
    new InvocationMatcher(invocation => invocation.Identifier == "importUpload.send"), isCatchAllHandler: false)
{
    /// <summary>The bytes of the file chosen in the picker.</summary>
    public byte[] File { get; set; } = [];

    /// <summary>False: the request never reaches the portal (the connection dropped, or another host took it).</summary>
    public bool Arrives { get; set; } = true;

    protected override async Task<int> HandleAsync(JSRuntimeInvocation invocation)
    {
        _ = base.HandleAsync(invocation);
        if (!Arrives)
        {
            return 0;
        }
        var url = (string)invocation.Arguments[1]!;
        var outcome = await uploads.ReceiveAsync(user, Guid.Parse(url[(url.LastIndexOf('/') + 1)..]), new MemoryStream(File), File.Length, CancellationToken.None);
        return outcome == ImportUploadOutcome.Received ? 204 : 400;
    }
}
