using System.Collections;
using System.Reflection;

namespace Berth.Server.Tests.Fixtures;

/// <summary>Structural equality for records holding collections (records compare collections by reference).</summary>
public static class DeepEqual
{
    /// <summary>Fails with the path of the first difference.</summary>
    public static void Assert<T>(T expected, T actual) => Compare(expected, actual, typeof(T).Name);

    private static void Compare(object? expected, object? actual, string path)
    {
        if (expected is null || actual is null)
        {
            Xunit.Assert.True(expected is null && actual is null, $"{path}: expected {expected ?? "null"}, got {actual ?? "null"}");
            return;
        }
        var type = expected.GetType();
        if (type.IsPrimitive || type.IsEnum || expected is string or decimal or DateTimeOffset or DateTime or TimeSpan)
        {
            Xunit.Assert.True(expected.Equals(actual), $"{path}: expected {expected}, got {actual}");
            return;
        }
        if (expected is IDictionary || IsReadOnlyDictionary(type))
        {
            var e = ToPairs((IEnumerable)expected);
            var a = ToPairs((IEnumerable)actual);
            Xunit.Assert.True(e.Count == a.Count, $"{path}: expected {e.Count} entries, got {a.Count}");
            foreach (var (key, value) in e)
            {
                Xunit.Assert.True(a.ContainsKey(key), $"{path}: missing key {key}");
                Compare(value, a[key], $"{path}[{key}]");
            }
            return;
        }
        if (expected is IEnumerable sequence)
        {
            var e = sequence.Cast<object?>().ToList();
            var a = ((IEnumerable)actual).Cast<object?>().ToList();
            Xunit.Assert.True(e.Count == a.Count, $"{path}: expected {e.Count} items, got {a.Count}");
            for (int i = 0; i < e.Count; i++)
            {
                Compare(e[i], a[i], $"{path}[{i}]");
            }
            return;
        }
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length == 0)
            {
                Compare(property.GetValue(expected), property.GetValue(actual), $"{path}.{property.Name}");
            }
        }
    }

    private static bool IsReadOnlyDictionary(Type type) =>
        type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>));

    private static Dictionary<string, object?> ToPairs(IEnumerable pairs)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var t = pair!.GetType();
            result[t.GetProperty("Key")!.GetValue(pair)!.ToString()!] = t.GetProperty("Value")!.GetValue(pair);
        }
        return result;
    }
}
