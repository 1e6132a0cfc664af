using DelistPortal.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddDelistPortal();

var app = builder.Build();
await app.Services.InitializeDatabaseAsync();
app.UseDelistPortal();
app.Run();
