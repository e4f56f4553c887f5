namespace Berth.Scheduling.Framework;

/// <summary>A named unit of scheduling logic; it implements only the extension points it needs.</summary>
/// <remarks>
/// One instance serves one scheduler. Per-cycle state may live in the instance's fields (buffers reused
/// across cycles), because cycles of one scheduler run one at a time; Filter and Score may be called on
/// disjoint node ranges from several threads and must only read that state.
/// </remarks>
public interface ISchedulingPlugin
{
    /// <summary>The plugin's registered name, e.g. <c>NodeResourcesFit</c>.</summary>
    string Name { get; }
}
