using System.ComponentModel.DataAnnotations;

namespace DelistPortal.Portal;

/// <summary>
/// ValidateDataAnnotations checks only the top level of an options class; this checks an object held in one of its
/// properties, naming failures by their full key ("SubmissionLimits:PerClient:Limit").
/// </summary>
public static class NestedOptionsValidation
{
    public static IEnumerable<ValidationResult> Validate(object? value, string propertyName)
    {
        if (value is null)
        {
            return [];
        }
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(value, new ValidationContext(value), results, validateAllProperties: true);
        return results.Select(r => new ValidationResult(
            $"{propertyName}: {r.ErrorMessage}", r.MemberNames.Select(m => $"{propertyName}:{m}").ToList()));
    }
}
