namespace Berth.Scheduling.Plugins;

/// <summary>What a task asks of a node, as fragmentation is measured against it.</summary>
/// <param name="Cpu">Millicores.</param>
/// <param name="Memory">Bytes.</param>
/// <param name="GpuMilli">Thousandths of a device: a share below 1000, or whole devices (1000 each); 0 for none.</param>
/// <param name="Models">The GPU models it may run on, one bit per model (see <see cref="GpuModels"/>).</param>
internal readonly record struct GpuTaskShape(long Cpu, long Memory, long GpuMilli, ulong Models);
