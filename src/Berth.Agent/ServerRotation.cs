namespace Berth.Agent;

/// <summary>
/// Which of an agent's servers (<see cref="AgentOptions.Servers"/>) to use now, and how long to wait before the next
/// try. One per agent, or per hollow node; not thread-safe (its owner's session loop is the only caller).
/// </summary>
/// <remarks>
/// The agent stays on one server while it works. When it fails (<see cref="Failed"/>), the rotation moves to the next
/// address at once (round-robin), so a dead server costs one failed call, not a wait. Only once every address failed
/// in a row does it wait: <see cref="AgentOptions.PollInterval"/> after the first round, doubling each round up to
/// <see cref="AgentOptions.MaxReconnectDelay"/>, each wait drawn between half and all of that, so thousands of nodes
/// that lost their server together do not come back in lock-step. A session that registered
/// (<see cref="Joined"/>) starts the count again.
/// </remarks>
public sealed class ServerRotation
{
    private readonly IReadOnlyList<Uri> _servers;
    private readonly TimeSpan _firstDelay;
    private readonly TimeSpan _maxDelay;
    private readonly Random _random;
    private int _index;
    private int _failures;

    /// <summary>Starts at the first of <paramref name="servers"/>.</summary>
    /// <param name="servers">The addresses, at least one.</param>
    /// <param name="firstDelay">The wait after the first round in which every address failed.</param>
    /// <param name="maxDelay">The longest wait (at least <paramref name="firstDelay"/> is used).</param>
    /// <param name="random">Draws the jitter; null uses a shared generator (tests pass a seeded one).</param>
    /// <exception cref="ArgumentException"><paramref name="servers"/> is empty.</exception>
    public ServerRotation(IReadOnlyList<Uri> servers, TimeSpan firstDelay, TimeSpan maxDelay, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(servers);
        if (servers.Count == 0)
        {
            throw new ArgumentException(AgentMessages.NoServer, nameof(servers));
        }
        _servers = servers;
        _firstDelay = firstDelay;
        _maxDelay = maxDelay < firstDelay ? firstDelay : maxDelay;
        _random = random ?? Random.Shared;
    }

    /// <summary>Creates the rotation <paramref name="options"/> asks for (its servers, poll interval and maximum delay).</summary>
    public static ServerRotation For(AgentOptions options, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ServerRotation(options.Servers, options.PollInterval, options.MaxReconnectDelay, random);
    }

    /// <summary>The server to use now.</summary>
    public Uri Current => _servers[_index];

    /// <summary>How many addresses failed in a row since the last <see cref="Joined"/>.</summary>
    public int Failures => _failures;

    /// <summary>The current server accepted the agent: failures start counting from zero again.</summary>
    public void Joined() => _failures = 0;

    /// <summary>
    /// The current server failed: moves to the next address and returns how long to wait before trying it (zero while
    /// some address in this round has not been tried yet).
    /// </summary>
    public TimeSpan Failed()
    {
        _index = (_index + 1) % _servers.Count;
        _failures++;
        if (_failures % _servers.Count != 0)
        {
            return TimeSpan.Zero;
        }
        return Jittered(Backoff(_failures / _servers.Count));
    }

    /// <summary>
    /// The session on the current server ended for a reason that does not blame the server (say, it lost the node and
    /// wants a new registration): stay, and wait about <see cref="AgentOptions.PollInterval"/>.
    /// </summary>
    public TimeSpan Retry() => Jittered(_firstDelay);

    // The wait after `round` full rounds of failures: first, doubled per further round, capped.
    private TimeSpan Backoff(int round)
    {
        var delay = _firstDelay;
        for (int i = 1; i < round && delay < _maxDelay; i++)
        {
            delay *= 2;
        }
        return delay < _maxDelay ? delay : _maxDelay;
    }

    private TimeSpan Jittered(TimeSpan delay) => delay / 2 + delay / 2 * _random.NextDouble();
}
