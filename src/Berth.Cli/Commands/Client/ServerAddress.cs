using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Berth.Cli.Commands.Client;

/// <summary>
/// Where the client finds the server: <c>--server</c>, else <c>BERTH_ADDR</c>, else <c>server:</c> in
/// <c>~/.config/berth/config.yaml</c>, else <see cref="Default"/>. Only http and https are accepted.
/// </summary>
public static class ServerAddress
{
    /// <summary>The environment variable with the server address.</summary>
    public const string EnvironmentVariable = "BERTH_ADDR";

    /// <summary>The address when nothing else gives one (the default <c>berth server --listen</c>).</summary>
    public const string Default = "http://127.0.0.1:7070";

    /// <summary>The key of the address in the config file.</summary>
    public const string ConfigKey = "server";

    /// <summary>The config file under a home directory <paramref name="home"/>.</summary>
    public static string ConfigPath(string home) => Path.Combine(home, ".config", "berth", "config.yaml");

    /// <summary>The config file of the current user (<c>$HOME</c>, else the user profile).</summary>
    public static string UserConfigPath(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var home = environment("HOME");
        return ConfigPath(string.IsNullOrEmpty(home) ? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) : home);
    }

    /// <summary>Resolves the address in order flag, environment, config file, default.</summary>
    /// <param name="flag">The <c>--server</c> value, or null.</param>
    /// <param name="environment">Reads environment variables (tests pass their own).</param>
    /// <param name="configPath">The config file to read when flag and environment give nothing.</param>
    /// <exception cref="ClientException">The address is not http(s), or the config file cannot be read (exit 2).</exception>
    public static Uri Resolve(string? flag, Func<string, string?> environment, string configPath)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (!string.IsNullOrWhiteSpace(flag))
        {
            return Parse(flag, "--server");
        }
        var fromEnvironment = environment(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return Parse(fromEnvironment, EnvironmentVariable);
        }
        var fromConfig = ReadConfig(configPath);
        return fromConfig is null ? Parse(Default, "the default") : Parse(fromConfig, configPath);
    }

    /// <summary>Parses an absolute http(s) URL; the result ends with '/' so relative paths append.</summary>
    public static Uri Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = text.Trim();
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.Host.Length == 0)
        {
            throw new ClientException(ClientMessages.BadAddress(text, source), Program.UsageError);
        }
        return uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri.GetLeftPart(UriPartial.Path) + "/");
    }

    private static string? ReadConfig(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            var yaml = new YamlStream();
            using (var reader = new StreamReader(path))
            {
                yaml.Load(reader);
            }
            if (yaml.Documents.Count == 0)
            {
                return null;
            }
            if (yaml.Documents[0].RootNode is not YamlMappingNode root)
            {
                throw new ClientException(ClientMessages.ConfigUnreadable(path, "it is not a mapping"), Program.UsageError);
            }
            return root.Children.TryGetValue(new YamlScalarNode(ConfigKey), out var value) && value is YamlScalarNode scalar ? scalar.Value : null;
        }
        catch (YamlException e)
        {
            throw new ClientException(ClientMessages.ConfigUnreadable(path, e.Message), Program.UsageError, e);
        }
        catch (IOException e)
        {
            throw new ClientException(ClientMessages.ConfigUnreadable(path, e.Message), Program.UsageError, e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new ClientException(ClientMessages.ConfigUnreadable(path, e.Message), Program.UsageError, e);
        }
    }
}
