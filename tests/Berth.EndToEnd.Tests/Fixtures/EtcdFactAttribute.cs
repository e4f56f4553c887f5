using Berth.Store.Tests.Fixtures;

namespace Berth.EndToEnd.Tests.Fixtures;

/// <summary>
/// A fact that needs the etcd binary: skipped with <see cref="EtcdServer.SkipReason"/> when etcd is missing locally; under
/// CI=true there is no skip reason, so the test runs and fails when etcd is missing.
/// </summary>
public sealed class EtcdFactAttribute : FactAttribute
{
    /// <summary>Sets the skip reason from the machine.</summary>
    public EtcdFactAttribute()
    {
        Skip = EtcdServer.SkipReason;
    }
}
