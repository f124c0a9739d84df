using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Haul.Http;

/// <summary>
/// Which server certificates are accepted: the system's roots always; the certificates of a CA
/// file as extra roots; or, when insecure, any certificate at all.
/// </summary>
internal sealed class TlsTrust
{
    private readonly X509Certificate2Collection _extraRoots;
    private readonly bool _insecure;

    private TlsTrust(X509Certificate2Collection extraRoots, bool insecure)
    {
        _extraRoots = extraRoots;
        _insecure = insecure;
    }

    /// <summary>Null when the defaults apply (system roots only).</summary>
    public static TlsTrust? From(HttpOptions options) =>
        options.Insecure || options.CaCertificateFile is not null
            ? new TlsTrust(options.CaCertificateFile is { } file ? Load(file) : [], options.Insecure)
            : null;

    /// <summary>Reads every certificate of a PEM file, or the one of a DER file.</summary>
    internal static X509Certificate2Collection Load(string path)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            var text = File.ReadAllText(path);
            if (text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
            {
                certificates.ImportFromPem(text);
            }
            else
            {
                certificates.Add(X509CertificateLoader.LoadCertificate(File.ReadAllBytes(path)));
            }
        }
        catch (CryptographicException ex)
        {
            throw new ArgumentException($"the CA certificate file '{path}' holds no certificate Haul can read: {ex.Message}", ex);
        }

        return certificates.Count > 0
            ? certificates
            : throw new ArgumentException($"the CA certificate file '{path}' holds no certificate.");
    }

    public bool Validate(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None || _insecure)
        {
            return true;
        }

        // Extra roots can mend a chain, never a wrong name or a missing certificate.
        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is null || _extraRoots.Count == 0)
        {
            return false;
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_extraRoots);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return custom.Build(leaf);
    }
}
