namespace Berth.Scheduling.Plugins;

/// <summary>
/// The mix of work the cluster sees, learned online from arrivals: how often each task shape arrives, recent arrivals
/// weighing more (each arrival's weight halves every <see cref="HalfLife"/> arrivals after it).
/// </summary>
/// <remarks>
/// The shares that scoring reads are published in epochs, not after every arrival: per-node fragmentation computed
/// against one epoch's shares stays valid until the next, so scoring only recomputes nodes that changed. Epochs are
/// short while little has been seen and grow to <see cref="MaxEpoch"/> arrivals.
/// </remarks>
internal sealed class GpuWorkloadMix
{
    /// <summary>Arrivals after which an arrival counts half.</summary>
    public const int HalfLife = 4096;

    /// <summary>The most arrivals between two publications.</summary>
    public const int MaxEpoch = 256;

    /// <summary>Shapes rarer than this share are left out of the published mix (they cost time and move nothing).</summary>
    private const double MinShare = 1e-4;

    private readonly Dictionary<GpuTaskShape, int> _idOf = [];
    private readonly List<GpuTaskShape> _shapes = [];
    private readonly double _growth = Math.Pow(2, 1.0 / HalfLife);
    private double[] _counts = new double[16];
    private double _increment = 1;
    private long _arrivals;
    private long _publishedAt;

    /// <summary>How many shapes the published mix holds.</summary>
    public int Count { get; private set; }

    /// <summary>Per published shape: millicores.</summary>
    public long[] Cpu { get; private set; } = [];

    /// <summary>Per published shape: bytes of memory.</summary>
    public long[] Memory { get; private set; } = [];

    /// <summary>Per published shape: thousandths of a GPU.</summary>
    public long[] GpuMilli { get; private set; } = [];

    /// <summary>Per published shape: the model bits it may use.</summary>
    public ulong[] Models { get; private set; } = [];

    /// <summary>Per published shape: its weight, the share of arrivals times the GPUs it asks (1 without GPUs), normalized to sum to 1.</summary>
    public double[] Share { get; private set; } = [];

    /// <summary>
    /// Millicores the GPU work asks per thousandth of a GPU, over the published arrivals (0 before any GPU work): how
    /// much CPU a node needs to keep its GPUs usable.
    /// </summary>
    public double CpuPerGpuMilli { get; private set; }

    /// <summary>Changes with every publication; results computed against the mix are valid while it stays.</summary>
    public int Epoch { get; private set; }

    /// <summary>The number of shapes ever seen; shape ids run below it.</summary>
    public int ShapeCount => _shapes.Count;

    /// <summary>The shape with an id.</summary>
    public GpuTaskShape Shape(int id) => _shapes[id];

    /// <summary>Counts one arrival and returns its shape's id; publishes the mix when an epoch ends.</summary>
    public int Observe(GpuTaskShape shape)
    {
        if (!_idOf.TryGetValue(shape, out int id))
        {
            id = _shapes.Count;
            _idOf[shape] = id;
            _shapes.Add(shape);
            if (id >= _counts.Length)
            {
                Array.Resize(ref _counts, _counts.Length * 2);
            }
        }
        // Older arrivals fade by weighting each new one more, rescaled now and then instead of decaying every count.
        _counts[id] += _increment;
        _increment *= _growth;
        if (_increment > 1e100)
        {
            for (int i = 0; i < _shapes.Count; i++)
            {
                _counts[i] /= _increment;
            }
            _increment = 1;
        }
        _arrivals++;
        if (_arrivals - _publishedAt >= Math.Clamp(_arrivals / 16, 1, MaxEpoch))
        {
            Publish();
        }
        return id;
    }

    private void Publish()
    {
        _publishedAt = _arrivals;
        double total = 0;
        for (int i = 0; i < _shapes.Count; i++)
        {
            total += _counts[i];
        }
        int count = 0;
        for (int i = 0; i < _shapes.Count; i++)
        {
            count += _counts[i] >= total * MinShare ? 1 : 0;
        }
        // A kind of task weighs by the GPU it asks: a lost eight-device task loses eight devices.
        var scaled = new double[_shapes.Count];
        for (int i = 0; i < _shapes.Count; i++)
        {
            scaled[i] = _shapes[i].GpuMilli > 0 ? _counts[i] * _shapes[i].GpuMilli / 1000.0 : _counts[i];
        }
        var cpu = new long[count];
        var memory = new long[count];
        var gpu = new long[count];
        var models = new ulong[count];
        var share = new double[count];
        double kept = 0;
        int k = 0;
        for (int i = 0; i < _shapes.Count; i++)
        {
            if (_counts[i] < total * MinShare)
            {
                continue;
            }
            var s = _shapes[i];
            (cpu[k], memory[k], gpu[k], models[k], share[k]) = (s.Cpu, s.Memory, s.GpuMilli, s.Models, scaled[i]);
            kept += scaled[i];
            k++;
        }
        for (int i = 0; i < count; i++)
        {
            share[i] /= kept;
        }
        double gpuCpu = 0, gpuMilli = 0;
        for (int i = 0; i < _shapes.Count; i++)
        {
            if (_shapes[i].GpuMilli > 0)
            {
                gpuCpu += _counts[i] * _shapes[i].Cpu;
                gpuMilli += _counts[i] * _shapes[i].GpuMilli;
            }
        }
        CpuPerGpuMilli = gpuMilli > 0 ? gpuCpu / gpuMilli : 0;
        (Cpu, Memory, GpuMilli, Models, Share, Count) = (cpu, memory, gpu, models, share, count);
        Epoch++;
    }
}
