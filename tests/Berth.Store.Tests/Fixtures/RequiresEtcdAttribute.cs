namespace Berth.Store.Tests.Fixtures;

/// <summary>Marks a test class that needs the etcd binary: skipped with a reason when it is missing locally, failing under CI=true (see <see cref="StoreTestFramework"/>).</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class RequiresEtcdAttribute : Attribute
{
}
