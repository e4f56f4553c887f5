namespace Berth.Cli.Commands;

/// <summary>Messages about option values shared by several commands, in one place so tests can assert on them.</summary>
public static class OptionMessages
{
    /// <summary>A duration option whose value is not a positive duration.</summary>
    public static string BadDuration(string option, string value) =>
        $"{option} '{value}' is not a duration above zero; give a number with a unit, e.g. 500ms, 2s, 1m or 1h";
}
