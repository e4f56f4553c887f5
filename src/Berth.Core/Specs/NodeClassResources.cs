namespace Berth.Core.Specs;

/// <summary>What one node of a class offers.</summary>
/// <param name="Cores">CPU cores.</param>
/// <param name="MemoryGi">Memory in GiB.</param>
/// <param name="StorageGi">Ephemeral storage in GiB.</param>
/// <param name="Gpus">Whole GPUs.</param>
public sealed record NodeClassResources(int Cores, int MemoryGi, int StorageGi, int Gpus);
