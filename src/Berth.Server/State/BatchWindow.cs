using System.Threading.Channels;

namespace Berth.Server.State;

/// <summary>
/// The collecting half of a group commit: callers add items from any thread; one reader takes them in batches, each
/// opened by its first item and closed when a window of time has passed since, or when the batch is full.
/// </summary>
/// <remarks>
/// The window is a latency bound, not cluster time, so it always runs on the real clock: a test's manual clock would
/// hold a part-full batch until someone advanced it.
/// </remarks>
internal sealed class BatchWindow<T>
{
    private readonly Channel<T> _items = Channel.CreateUnbounded<T>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TimeProvider _clock = TimeProvider.System;
    private readonly TimeSpan _window;

    /// <summary>Creates an open window of <paramref name="window"/> per batch.</summary>
    public BatchWindow(TimeSpan window)
    {
        _window = window;
    }

    /// <summary>Adds an item for the next batch; false once <see cref="Complete"/> was called (the caller then writes alone).</summary>
    public bool TryAdd(T item) => _items.Writer.TryWrite(item);

    /// <summary>Takes no more items; <see cref="NextAsync"/> returns false once the last batch was taken.</summary>
    public void Complete() => _items.Writer.TryComplete();

    /// <summary>
    /// Fills <paramref name="batch"/> with the next batch: waits for a first item, then takes every item
    /// <paramref name="admit"/> accepts (it records what it accepted) until the window closes, an item is not admitted,
    /// or <paramref name="isFull"/> says so. False when completed and empty.
    /// </summary>
    public async Task<bool> NextAsync(List<T> batch, Func<T, bool> admit, Func<bool> isFull, CancellationToken ct)
    {
        batch.Clear();
        var reader = _items.Reader;
        if (!await reader.WaitToReadAsync(ct).ConfigureAwait(false))
        {
            return false;
        }
        var closes = _clock.GetUtcNow() + _window;
        while (true)
        {
            bool full = false;
            while (reader.TryPeek(out var next))
            {
                if (!admit(next))
                {
                    full = true;
                    break;
                }
                reader.TryRead(out _);
                batch.Add(next);
            }
            var left = closes - _clock.GetUtcNow();
            if (full || isFull() || left <= TimeSpan.Zero || !await WaitAsync(reader, left, ct).ConfigureAwait(false))
            {
                return true;
            }
        }
    }

    // Waits for another item until the window closes; false when it closed (or the channel completed) first.
    private async Task<bool> WaitAsync(ChannelReader<T> reader, TimeSpan left, CancellationToken ct)
    {
        using var window = new CancellationTokenSource(left, _clock);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, window.Token);
        try
        {
            return await reader.WaitToReadAsync(either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }
}
