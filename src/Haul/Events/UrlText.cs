namespace Haul.Events;

/// <summary>URLs as logs show them: any password in the user part masked.</summary>
internal static class UrlText
{
    public static string Masked(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? Masked(uri) : url;

    public static string Masked(Uri uri)
    {
        if (!uri.IsAbsoluteUri || uri.UserInfo.Length == 0)
        {
            return uri.ToString();
        }

        var user = uri.UserInfo.Split(':', 2)[0];
        return new UriBuilder(uri) { UserName = user, Password = "***" }.Uri.AbsoluteUri;
    }
}
