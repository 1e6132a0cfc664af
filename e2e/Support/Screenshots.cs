using Microsoft.Playwright;

namespace DelistPortal.EndToEnd.Support;

/// <summary>Saves a screenshot of each step as a test artifact, in artifacts/e2e at the repository root (or $E2E_ARTIFACTS).</summary>
public static class Screenshots
{
    public static string Folder { get; } = Environment.GetEnvironmentVariable("E2E_ARTIFACTS") ?? Path.Combine(RepositoryRoot(), "artifacts", "e2e");

    public static async Task SaveAsync(IPage page, string name)
    {
        // A name may hold a subfolder ("admin-phone/en-dashboard").
        var path = Path.Combine(Folder, name + ".png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DelistPortal.sln")))
            {
                return dir.FullName;
            }
        }
        return AppContext.BaseDirectory;
    }
}
