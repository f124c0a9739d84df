using System.Net.Http.Headers;

namespace Haul.Events;

/// <summary>Headers as events and logs show them: credentials, cookies and tokens masked.</summary>
internal static class HeaderMask
{
    public const string Masked = "***";

    private static readonly string[] SecretParts = ["token", "secret", "key", "password"];

    public static bool IsSecret(string name) =>
        name.Equals("Authorization", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Proxy-Authorization", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Cookie", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase)
        || SecretParts.Any(part => name.Contains(part, StringComparison.OrdinalIgnoreCase));

    /// <summary>Every header of <paramref name="groups"/> as one name-value pair per value, secrets masked.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> List(params HttpHeaders?[] groups)
    {
        var list = new List<KeyValuePair<string, string>>();
        foreach (var headers in groups)
        {
            if (headers is null)
            {
                continue;
            }

            foreach (var (name, values) in headers.NonValidated)
            {
                foreach (var value in values)
                {
                    list.Add(new(name, IsSecret(name) ? Masked : value));
                }
            }
        }

        return list;
    }
}
