using System.Reflection;
using BenchmarkDotNet.Running;
using DelistPortal.Benchmarks;

// `-- --filter '*'` runs the BenchmarkDotNet suites; `-- --report` prints the figures BenchmarkDotNet does not give:
// bytes held per listing, and the distribution of single-change latencies (it reports means of many calls);
// `-- --processes-report FOLDER [changes]` times changes between real portal processes (ProcessesBench);
// `-- --start-report FOLDER ROLES [rounds]` only the start with a million listings, for a process with those roles.
if (args is ["--report", ..])
{
    IndexReport.Run();
}
else if (args is ["--processes-report", var processesFolder, .. var count])
{
    await ProcessesBench.RunAsync(processesFolder, count is [var n] ? int.Parse(n, System.Globalization.CultureInfo.InvariantCulture) : 1000);
}
else if (args is ["--start-report", var startFolder, var roles, .. var rounds])
{
    await ProcessesBench.StartReportAsync(startFolder, roles, rounds is [var r] ? int.Parse(r, System.Globalization.CultureInfo.InvariantCulture) : 3);
}
else if (args is ["--dnsbl-prepare", var folder, ..])
{
    await DnsblBench.PrepareAsync(folder);
}
else if (args is ["--dnsbl-serve", var port, .. var rest])
{
    await DnsblBench.ServeAsync(int.Parse(port, System.Globalization.CultureInfo.InvariantCulture), rest is ["arsoft"]);
}
else
{
    BenchmarkSwitcher.FromAssembly(Assembly.GetExecutingAssembly()).Run(args);
}
