namespace Berth.Core.Manifests;

/// <summary>Kubernetes' name rules: DNS-1123 labels and subdomains, qualified label keys and label values.</summary>
public static class ManifestNames
{
    /// <summary>The longest DNS-1123 label (workload and namespace names).</summary>
    public const int MaxLabelLength = 63;

    /// <summary>The longest DNS-1123 subdomain (node names, key prefixes).</summary>
    public const int MaxSubdomainLength = 253;

    /// <summary>Checks a DNS-1123 label (lower-case letters, digits and '-', starting and ending alphanumeric, at most 63); null when valid.</summary>
    public static string? ValidateDnsLabel(string name)
    {
        if (name.Length == 0)
        {
            return "must not be empty";
        }
        if (name.Length > MaxLabelLength)
        {
            return $"'{name}' is longer than {MaxLabelLength} characters";
        }
        if (!IsDnsLabel(name))
        {
            return $"'{name}' is not a valid name: use lower-case letters, digits and '-', starting and ending with a letter or digit (DNS-1123 label)";
        }
        return null;
    }

    /// <summary>Checks a DNS-1123 subdomain (dot-separated labels, at most 253); null when valid.</summary>
    public static string? ValidateDnsSubdomain(string name)
    {
        if (name.Length == 0)
        {
            return "must not be empty";
        }
        if (name.Length > MaxSubdomainLength)
        {
            return $"'{name}' is longer than {MaxSubdomainLength} characters";
        }
        foreach (var part in name.Split('.'))
        {
            if (!IsDnsLabel(part))
            {
                return $"'{name}' is not a valid name: use lower-case letters, digits, '-' and '.', each dot-separated part starting and ending with a letter or digit (DNS-1123 subdomain)";
            }
        }
        return null;
    }

    /// <summary>Checks a label key: an optional DNS subdomain prefix and '/', then a name of at most 63 characters; null when valid.</summary>
    public static string? ValidateLabelKey(string key)
    {
        int slash = key.IndexOf('/', StringComparison.Ordinal);
        var name = slash < 0 ? key : key[(slash + 1)..];
        if (slash >= 0 && ValidateDnsSubdomain(key[..slash]) is not null)
        {
            return $"'{key}' has an invalid prefix: the part before '/' must be a DNS subdomain such as example.com";
        }
        if (name.Length == 0 || name.Length > MaxLabelLength || !IsLabelValueText(name))
        {
            return $"'{key}' is not a valid label key: use at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit, optionally after a prefix such as example.com/";
        }
        return null;
    }

    /// <summary>Checks a label value: empty, or at most 63 letters, digits, '-', '_' and '.', starting and ending alphanumeric; null when valid.</summary>
    public static string? ValidateLabelValue(string value)
    {
        if (value.Length == 0)
        {
            return null;
        }
        if (value.Length > MaxLabelLength || !IsLabelValueText(value))
        {
            return $"'{value}' is not a valid label value: use at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit";
        }
        return null;
    }

    private static bool IsDnsLabel(string s)
    {
        if (s.Length == 0 || s.Length > MaxLabelLength || !IsLowerAlnum(s[0]) || !IsLowerAlnum(s[^1]))
        {
            return false;
        }
        foreach (var c in s)
        {
            if (!IsLowerAlnum(c) && c != '-')
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsLabelValueText(string s)
    {
        if (!char.IsAsciiLetterOrDigit(s[0]) || !char.IsAsciiLetterOrDigit(s[^1]))
        {
            return false;
        }
        foreach (var c in s)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.'))
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsLowerAlnum(char c) => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c);
}
