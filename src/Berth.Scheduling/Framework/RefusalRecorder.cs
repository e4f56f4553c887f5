namespace Berth.Scheduling.Framework;

/// <summary>How a filter plugin records that it refused a node, with its own reason code.</summary>
public readonly struct RefusalRecorder
{
    private readonly NodeRefusals _refusals;
    private readonly int _filterPosition;

    internal RefusalRecorder(NodeRefusals refusals, int filterPosition)
    {
        _refusals = refusals;
        _filterPosition = filterPosition;
    }

    /// <summary>Records that the plugin refused <paramref name="node"/> for reason <paramref name="code"/>.</summary>
    public void Refuse(int node, int code) => _refusals.Refuse(node, _filterPosition, code);
}
