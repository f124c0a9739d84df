namespace Haul.Errors;

/// <summary>Says in plain words why a TLS handshake failed: the certificate checks are the usual cause.</summary>
internal static class TlsFailure
{
    public static string Describe(string authority, string url, string detail)
    {
        if (detail.Contains("RemoteCertificateNameMismatch", StringComparison.Ordinal))
        {
            return $"The certificate of {authority} is not for that name, so {url} was not fetched.";
        }

        if (detail.Contains("NotTimeValid", StringComparison.Ordinal))
        {
            return $"The certificate of {authority} has expired or is not valid yet, so {url} was not fetched.";
        }

        if (detail.Contains("UntrustedRoot", StringComparison.Ordinal) || detail.Contains("PartialChain", StringComparison.Ordinal)
            || detail.Contains("RemoteCertificateChainErrors", StringComparison.Ordinal))
        {
            return $"The certificate of {authority} is not signed by a trusted authority, so {url} was not fetched; trust its issuer with --ca-certificate FILE.";
        }

        if (detail.Contains("RemoteCertificateNotAvailable", StringComparison.Ordinal))
        {
            return $"{authority} sent no certificate, so {url} was not fetched.";
        }

        return $"The TLS handshake with {authority} failed for {url}: {detail}";
    }
}
