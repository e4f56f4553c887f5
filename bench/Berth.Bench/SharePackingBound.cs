namespace Berth.Bench;

/// <summary>
/// What packing shares alone leaves idle: the GPU allocation ratio at 100% arrived if the shares that have arrived by
/// then (fractions of one GPU) were packed offline, all known at once, best fit decreasing, with every other device
/// used and no CPU, memory, model or whole-node limit. A device holding an 810m share keeps 190m that only smaller
/// shares can use, so the trace's share sizes alone put a ceiling near the targets that no online order can beat
/// without leaving shares unplaced (each costing its own size).
/// </summary>
internal static class SharePackingBound
{
    /// <summary>Allocation ratio (%) with the arrivals up to 100% of capacity, their shares packed best fit decreasing.</summary>
    public static double CeilingPct(IReadOnlyList<OpenbTrace.Pod> arrivals, long capacityMilli)
    {
        var shares = new List<int>();
        long arrived = 0;
        foreach (var pod in arrivals)
        {
            if (arrived >= capacityMilli)
            {
                break;
            }
            arrived += pod.GpuMilli;
            if (pod.GpuMilli is > 0 and < 1000)
            {
                shares.Add((int)pod.GpuMilli);
            }
        }
        shares.Sort((a, b) => b.CompareTo(a));
        // Devices by the room they have left: best fit is the first count at or above the share.
        var devicesWithRoom = new int[1001];
        long waste = 0;
        foreach (int share in shares)
        {
            int room = share;
            while (room <= 1000 && devicesWithRoom[room] == 0)
            {
                room++;
            }
            if (room > 1000)
            {
                room = 1000;
                waste += 1000;
            }
            else
            {
                devicesWithRoom[room]--;
            }
            devicesWithRoom[room - share]++;
            waste -= share;
        }
        // Whole devices waste nothing; what shares leave is the waste (the sum above ends as devices × 1000 − shares).
        return 100.0 * (capacityMilli - waste) / capacityMilli;
    }
}
