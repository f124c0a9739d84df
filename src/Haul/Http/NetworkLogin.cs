using System.Text;

namespace Haul.Http;

/// <summary>A user name and password for HTTP Basic authentication.</summary>
internal sealed record NetworkLogin(string User, string Password)
{
    /// <summary>The <c>Authorization</c> value (RFC 7617, UTF-8).</summary>
    public string BasicHeader() => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}"));

    /// <summary>Never the password: a login that reaches a log or an exception message shows only who it is.</summary>
    public override string ToString() => $"{User}:****";
}
