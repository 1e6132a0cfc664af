using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace DelistPortal.Tests.Support;

/// <summary>An in-memory logger provider: tests read what the app logged (the setup link) and check what it must not log.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public string All => string.Join("\n", _lines);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            capture._lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : " " + exception)}");
    }
}
