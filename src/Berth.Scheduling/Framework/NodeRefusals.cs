namespace Berth.Scheduling.Framework;

/// <summary>
/// Per node, which filter plugin refused it in the current cycle and the plugin's reason code.
/// Buffers are reused across cycles; plugins write through <see cref="RefusalRecorder"/>.
/// </summary>
/// <remarks>Nodes are written by at most one thread each, so parallel filtering needs no locks.</remarks>
public sealed class NodeRefusals
{
    private short[] _plugin = [];
    private int[] _code = [];
    private int _clearedLength;
    private bool _dirty;

    /// <summary>Marks every node as not refused, sized for <paramref name="nodeCount"/> nodes.</summary>
    public void Reset(int nodeCount)
    {
        if (_plugin.Length < nodeCount)
        {
            _plugin = new short[nodeCount];
            _code = new int[nodeCount];
        }
        else if (_dirty || _clearedLength < nodeCount)
        {
            // Most cycles in a roomy cluster refuse nothing; then there is nothing to clear.
            Array.Clear(_plugin, 0, nodeCount);
        }
        _clearedLength = nodeCount;
        _dirty = false;
    }

    /// <summary>The filter position (0-based) in the profile that refused the node, or -1 when none did.</summary>
    public int RefusingFilter(int node) => _plugin[node] - 1;

    /// <summary>The refusing plugin's reason code for the node.</summary>
    public int ReasonCode(int node) => _code[node];

    internal void Refuse(int node, int filterPosition, int code)
    {
        _plugin[node] = (short)(filterPosition + 1);
        _code[node] = code;
        _dirty = true;
    }
}
