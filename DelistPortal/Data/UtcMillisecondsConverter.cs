using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace DelistPortal.Data;

/// <summary>Stores a point in time as Unix milliseconds (UTC). Every time in the portal comes from <see cref="TimeProvider.GetUtcNow"/>.</summary>
public sealed class UtcMillisecondsConverter() : ValueConverter<DateTimeOffset, long>(
    value => value.ToUnixTimeMilliseconds(),
    value => DateTimeOffset.FromUnixTimeMilliseconds(value));
