using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Berth.Store.Sqlite;

/// <summary>
/// <see cref="IKeyValueStore"/> on one embedded SQLite database (WAL journal). Tables: <c>kv</c> (current entries),
/// <c>history</c> (every change, for ranges at a revision and watch replay), <c>leases</c> (TTL and deadline) and
/// <c>meta</c> (revision, compact revision, next lease id).
/// </summary>
/// <remarks>
/// <para>All calls are serialized by one in-process lock around one connection, so a transaction's compares, writes and
/// the revision bump happen in one SQLite transaction with nothing interleaved. Watchers are fed after the commit,
/// still under the lock, so every watcher sees revisions in commit order.</para>
/// <para>Lease expiry takes time from the injected <see cref="TimeProvider"/>. Expired leases are swept (their keys
/// deleted at a new revision, one revision per lease) at the start of every call and on a timer every
/// <see cref="SqliteStoreOptions.LeaseCheckInterval"/>, so no call ever observes a key whose lease deadline has passed.
/// Deadlines are stored as absolute times, so after a reopen expiry continues from them.</para>
/// <para>The file is opened in exclusive locking mode: a second store (in this or another process) on the same file
/// fails with <see cref="StoreUnavailableException"/> rather than silently diverging.</para>
/// </remarks>
public sealed class SqliteStore : IKeyValueStore, IDisposable
{
    private const int PutType = 0;
    private const int DeleteType = 1;

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS meta(name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS kv(
            key BLOB PRIMARY KEY, value BLOB NOT NULL, create_rev INTEGER NOT NULL,
            mod_rev INTEGER NOT NULL, version INTEGER NOT NULL, lease INTEGER NOT NULL) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS kv_lease ON kv(lease) WHERE lease <> 0;
        CREATE TABLE IF NOT EXISTS history(
            key BLOB NOT NULL, revision INTEGER NOT NULL, sub INTEGER NOT NULL, type INTEGER NOT NULL,
            value BLOB NOT NULL, create_rev INTEGER NOT NULL, version INTEGER NOT NULL, lease INTEGER NOT NULL,
            PRIMARY KEY(key, revision)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS history_rev ON history(revision, sub);
        CREATE TABLE IF NOT EXISTS leases(id INTEGER PRIMARY KEY, ttl_ms INTEGER NOT NULL, deadline_ms INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS leases_deadline ON leases(deadline_ms);
        INSERT OR IGNORE INTO meta(name, value) VALUES ('schema_version', 1), ('revision', 0), ('compact_revision', 0), ('next_lease_id', 1);
        """;

    private readonly Lock _gate = new();
    private readonly SqliteConnection _db;
    private readonly TimeProvider _time;
    private readonly string _source;
    private readonly List<Watcher> _watchers = [];
    // Prepared commands by SQL text: parsing the same few statements for every put, compare and read was a tenth of a
    // write's cost. The texts come from a fixed set (statements and range shapes), so the cache stays small; every use
    // is under _gate, as every use of the one connection is.
    private readonly Dictionary<string, SqliteCommand> _prepared = new(StringComparer.Ordinal);
    private readonly ITimer _leaseTimer;
    private SqliteTransaction? _tx;
    private long _revision;
    private long _compactRevision;
    private long _nextLeaseId;
    private bool _disposed;

    private SqliteStore(SqliteConnection db, SqliteStoreOptions options, TimeProvider time)
    {
        _db = db;
        _time = time;
        _source = options.DataSource;
        _revision = ReadMeta("revision");
        _compactRevision = ReadMeta("compact_revision");
        _nextLeaseId = ReadMeta("next_lease_id");
        _leaseTimer = time.CreateTimer(static state => ((SqliteStore)state!).OnLeaseTimer(), this, options.LeaseCheckInterval, options.LeaseCheckInterval);
    }

    /// <summary>Opens (creating if needed) the store described by <paramref name="options"/>; time for lease expiry comes from <paramref name="timeProvider"/> (default: system clock).</summary>
    /// <exception cref="StoreUnavailableException">The file cannot be created, opened or locked.</exception>
    public static SqliteStore Open(SqliteStoreOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = options.DataSource,
            Mode = options.IsInMemory ? SqliteOpenMode.Memory : SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
        };
        var db = new SqliteConnection(builder.ConnectionString);
        try
        {
            db.Open();
            using (var pragma = db.CreateCommand())
            {
                // Exclusive locking before WAL: the lock is taken on the first read and kept, and WAL then needs no shared
                // memory file. busy_timeout bounds the wait for another holder.
                pragma.CommandText = $"""
                    PRAGMA busy_timeout = {(long)options.BusyTimeout.TotalMilliseconds};
                    PRAGMA locking_mode = EXCLUSIVE;
                    PRAGMA journal_mode = WAL;
                    PRAGMA synchronous = NORMAL;
                    """;
                pragma.ExecuteNonQuery();
            }

            using (var schema = db.CreateCommand())
            {
                schema.CommandText = Schema;
                schema.ExecuteNonQuery();
            }

            return new SqliteStore(db, options, timeProvider ?? TimeProvider.System);
        }
        catch (SqliteException ex)
        {
            db.Dispose();
            throw new StoreUnavailableException(StoreMessages.BackendFailed(options.DataSource, "open", ex.SqliteErrorCode, ex.Message), ex);
        }
    }

    /// <inheritdoc/>
    public Task<KeyValue?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var range = KeyRange.Key(key);
        return Run("get", cancellationToken, () => ReadCurrent(range, 1, out _).FirstOrDefault());
    }

    /// <inheritdoc/>
    public Task<RangeResult> RangeAsync(KeyRange range, long limit = 0, long revision = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(range);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        ArgumentOutOfRangeException.ThrowIfNegative(revision);
        return Run("range", cancellationToken, () =>
        {
            if (revision > _revision)
            {
                throw new FutureRevisionException(revision, _revision);
            }

            if (revision != 0 && revision < _compactRevision)
            {
                throw new RevisionCompactedException(revision, _compactRevision);
            }

            var kvs = revision == 0 || revision == _revision ? ReadCurrent(range, limit, out var count) : ReadAt(range, limit, revision, out count);
            return new RangeResult(kvs, _revision, count > kvs.Count, count);
        });
    }

    /// <inheritdoc/>
    public Task<TxnResult> TxnAsync(IReadOnlyList<Compare> compares, IReadOnlyList<TxnOp> success, IReadOnlyList<TxnOp> failure, CancellationToken cancellationToken = default)
    {
        TxnBranchRules.Validate(compares, success, failure);
        return Run("transaction", cancellationToken, () => Write(events =>
        {
            var succeeded = true;
            foreach (var compare in compares)
            {
                if (!Holds(compare, ReadCurrent(KeyRange.Key(compare.Key), 1, out _).FirstOrDefault()))
                {
                    succeeded = false;
                    break;
                }
            }

            var branch = succeeded ? success : failure;
            var revision = _revision + 1;
            var responses = new List<TxnOpResult>(branch.Count);
            foreach (var op in branch)
            {
                responses.Add(op switch
                {
                    PutOp put => ApplyPut(put, revision, events),
                    DeleteOp delete => new TxnOpResult([], ApplyDelete(delete.Range, revision, events)),
                    GetOp get => new TxnOpResult(ReadCurrent(get.Range, get.Limit, out _), 0),
                    _ => throw new ArgumentException($"Unknown operation {op.GetType().Name}.", nameof(success)),
                });
            }

            return (succeeded, responses);
        }, static (outcome, revision) => new TxnResult(outcome.succeeded, revision, outcome.responses)));
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<WatchEvent> WatchAsync(KeyRange range, long fromRevision = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(range);
        ArgumentOutOfRangeException.ThrowIfNegative(fromRevision);
        cancellationToken.ThrowIfCancellationRequested();
        Watcher watcher;
        List<WatchEvent> replay;
        lock (_gate)
        {
            ThrowIfDisposed();
            if (fromRevision != 0 && fromRevision < _compactRevision)
            {
                throw new RevisionCompactedException(fromRevision, _compactRevision);
            }

            // History up to the current revision is read and the watcher registered under the same lock, so the first
            // live event is exactly the next commit: no gap, no duplicate.
            replay = fromRevision == 0 || fromRevision > _revision ? [] : Guard("watch", () => ReadHistory(range, fromRevision));
            watcher = new Watcher(range, fromRevision == 0 ? _revision + 1 : Math.Max(fromRevision, _revision + 1));
            _watchers.Add(watcher);
        }

        try
        {
            foreach (var e in replay)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return e;
            }

            await foreach (var e in watcher.Events.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return e;
            }
        }
        finally
        {
            lock (_gate)
            {
                _watchers.Remove(watcher);
            }
        }
    }

    /// <inheritdoc/>
    public Task<LeaseGrant> GrantLeaseAsync(TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        if (ttl <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ttl), ttl, StoreMessages.TtlNotPositive(ttl));
        }

        return Run("lease grant", cancellationToken, () =>
        {
            var ttlMs = (long)Math.Ceiling(ttl.TotalMilliseconds);
            var id = _nextLeaseId;
            var expiresAt = _time.GetUtcNow().AddMilliseconds(ttlMs);
            using (var tx = Begin())
            {
                Exec("INSERT INTO leases(id, ttl_ms, deadline_ms) VALUES ($id, $ttl, $deadline)", ("$id", id), ("$ttl", ttlMs), ("$deadline", expiresAt.ToUnixTimeMilliseconds()));
                SetMeta("next_lease_id", id + 1);
                Commit(tx);
            }

            _nextLeaseId = id + 1;
            return new LeaseGrant(id, TimeSpan.FromMilliseconds(ttlMs), expiresAt);
        });
    }

    /// <inheritdoc/>
    public Task<LeaseGrant> KeepAliveAsync(long leaseId, CancellationToken cancellationToken = default) =>
        Run("lease keep-alive", cancellationToken, () =>
        {
            var ttlMs = LeaseTtlMs(leaseId) ?? throw new LeaseNotFoundException(leaseId);
            var expiresAt = _time.GetUtcNow().AddMilliseconds(ttlMs);
            Exec("UPDATE leases SET deadline_ms = $deadline WHERE id = $id", ("$id", leaseId), ("$deadline", expiresAt.ToUnixTimeMilliseconds()));
            return new LeaseGrant(leaseId, TimeSpan.FromMilliseconds(ttlMs), expiresAt);
        });

    /// <inheritdoc/>
    public Task RevokeLeaseAsync(long leaseId, CancellationToken cancellationToken = default) =>
        Run("lease revoke", cancellationToken, () =>
        {
            if (LeaseTtlMs(leaseId) is null)
            {
                throw new LeaseNotFoundException(leaseId);
            }

            RevokeLocked(leaseId);
            return true;
        });

    /// <inheritdoc/>
    public Task CompactAsync(long revision, CancellationToken cancellationToken = default) =>
        Run("compaction", cancellationToken, () =>
        {
            if (revision > _revision)
            {
                throw new FutureRevisionException(revision, _revision);
            }

            if (revision <= _compactRevision)
            {
                throw new RevisionCompactedException(revision, _compactRevision);
            }

            // Keep every row at or after the compact revision, and before it only each key's latest put: that is exactly
            // what ranges at revisions >= the compact revision and watches from it need.
            using (var tx = Begin())
            {
                Exec("""
                    DELETE FROM history WHERE revision < $rev AND (type = 1 OR EXISTS (
                        SELECT 1 FROM history later WHERE later.key = history.key AND later.revision > history.revision AND later.revision <= $rev))
                    """, ("$rev", revision));
                SetMeta("compact_revision", revision);
                Commit(tx);
            }

            _compactRevision = revision;
            return true;
        });

    /// <summary>Closes the database; open watches end with <see cref="StoreUnavailableException"/>.</summary>
    public void Dispose()
    {
        _leaseTimer.Dispose();
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            var closed = new StoreUnavailableException(StoreMessages.StoreClosed(_source));
            foreach (var watcher in _watchers)
            {
                watcher.Events.Writer.TryComplete(closed);
            }

            _watchers.Clear();
            foreach (var command in _prepared.Values)
            {
                command.Dispose();
            }

            _prepared.Clear();
            _db.Dispose();
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private static bool Holds(Compare compare, KeyValue? kv)
    {
        int order;
        if (compare.Target == CompareTarget.Value)
        {
            if (kv is null)
            {
                return false;
            }

            order = kv.Value.Span.SequenceCompareTo(compare.Value.Span);
        }
        else
        {
            var actual = compare.Target switch
            {
                CompareTarget.Version => kv?.Version ?? 0,
                CompareTarget.CreateRevision => kv?.CreateRevision ?? 0,
                CompareTarget.ModRevision => kv?.ModRevision ?? 0,
                CompareTarget.Lease => kv?.Lease ?? 0,
                _ => throw new ArgumentOutOfRangeException(nameof(compare), compare.Target, "Unknown compare target."),
            };
            order = actual.CompareTo(compare.Number);
        }

        return compare.Op switch
        {
            CompareOp.Equal => order == 0,
            CompareOp.NotEqual => order != 0,
            CompareOp.Greater => order > 0,
            CompareOp.Less => order < 0,
            _ => throw new ArgumentOutOfRangeException(nameof(compare), compare.Op, "Unknown compare operator."),
        };
    }

    private static string KeyText(byte[] key) => Encoding.UTF8.GetString(key);

    // The WHERE shape of a range (one key, from a key, between two keys); BindRange binds its parameters.
    private static string RangeWhere(KeyRange range, string column) =>
        range.End is null ? $"{column} = $start" : range.End.Length == 0 ? $"{column} >= $start" : $"{column} >= $start AND {column} < $end";

    private static void BindRange(KeyRange range, SqliteCommand command)
    {
        Bind(command, "$start", range.Start);
        if (range.End is { Length: > 0 })
        {
            Bind(command, "$end", range.End);
        }
    }

    private static string RangeClause(KeyRange range, SqliteCommand command, string column)
    {
        Bind(command, "$start", range.Start);
        if (range.End is null)
        {
            return $"{column} = $start";
        }

        if (range.End.Length == 0)
        {
            return $"{column} >= $start";
        }

        Bind(command, "$end", range.End);
        return $"{column} >= $start AND {column} < $end";
    }

    private TxnOpResult ApplyPut(PutOp put, long revision, List<Pending> events)
    {
        if (put.LeaseId != 0 && LeaseTtlMs(put.LeaseId) is null)
        {
            throw new LeaseNotFoundException(put.LeaseId);
        }

        var key = Encoding.UTF8.GetBytes(put.Key);
        var value = put.Value.ToArray();
        // One statement writes the key and answers its create revision and version (a new key starts at this revision
        // and version 1; an existing one keeps its create revision and counts one more version).
        var upsert = Prepared("""
            INSERT INTO kv(key, value, create_rev, mod_rev, version, lease) VALUES ($key, $value, $rev, $rev, 1, $lease)
            ON CONFLICT(key) DO UPDATE SET value = excluded.value, mod_rev = excluded.mod_rev, version = kv.version + 1, lease = excluded.lease
            RETURNING create_rev, version
            """);
        Bind(upsert, "$key", key);
        Bind(upsert, "$value", value);
        Bind(upsert, "$rev", revision);
        Bind(upsert, "$lease", put.LeaseId);
        long createRevision;
        long version;
        using (var written = upsert.ExecuteReader())
        {
            written.Read();
            createRevision = written.GetInt64(0);
            version = written.GetInt64(1);
        }

        var kv = new KeyValue(put.Key, value, createRevision, revision, version, put.LeaseId);
        AppendHistory(key, new WatchEvent(WatchEventType.Put, kv), events);
        return new TxnOpResult([kv], 0);
    }

    private long ApplyDelete(KeyRange range, long revision, List<Pending> events)
    {
        using var select = _db.CreateCommand();
        select.CommandText = $"SELECT key FROM kv WHERE {RangeClause(range, select, "key")} ORDER BY key";
        return DeleteSelected(select, revision, events);
    }

    /// <summary>Deletes the keys a SELECT names, each with its delete event at <paramref name="revision"/>; returns how many.</summary>
    private int DeleteSelected(SqliteCommand select, long revision, List<Pending> events)
    {
        var keys = new List<byte[]>();
        select.Transaction = _tx;
        using (var reader = select.ExecuteReader())
        {
            while (reader.Read())
            {
                keys.Add(reader.GetFieldValue<byte[]>(0));
            }
        }

        foreach (var key in keys)
        {
            Exec("DELETE FROM kv WHERE key = $key", ("$key", key));
            AppendHistory(key, new WatchEvent(WatchEventType.Delete, new KeyValue(KeyText(key), ReadOnlyMemory<byte>.Empty, 0, revision, 0, 0)), events);
        }

        return keys.Count;
    }

    // The event's value is the store's own copy (made when the put was applied): bind that array rather than copy it again.
    private static byte[] WholeArray(ReadOnlyMemory<byte> value) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(value, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : value.ToArray();

    private void AppendHistory(byte[] key, WatchEvent e, List<Pending> events)
    {
        Exec("""
            INSERT INTO history(key, revision, sub, type, value, create_rev, version, lease)
            VALUES ($key, $rev, $sub, $type, $value, $create, $version, $lease)
            """,
            ("$key", key), ("$rev", e.Revision), ("$sub", events.Count), ("$type", e.Type == WatchEventType.Put ? PutType : DeleteType),
            ("$value", WholeArray(e.Kv.Value)), ("$create", e.Kv.CreateRevision), ("$version", e.Kv.Version), ("$lease", e.Kv.Lease));
        events.Add(new Pending(key, e));
    }

    private void RevokeLocked(long leaseId) =>
        Write(events =>
        {
            using (var select = _db.CreateCommand())
            {
                select.CommandText = "SELECT key FROM kv WHERE lease = $lease ORDER BY key";
                Bind(select, "$lease", leaseId);
                DeleteSelected(select, _revision + 1, events);
            }

            Exec("DELETE FROM leases WHERE id = $id", ("$id", leaseId));
            return true;
        }, static (_, _) => true);

    // Runs a write inside one SQLite transaction; bumps and persists the revision only if an event was produced,
    // then (after commit, still under the lock) publishes the events to watchers in order.
    private TResult Write<TOutcome, TResult>(Func<List<Pending>, TOutcome> body, Func<TOutcome, long, TResult> result)
    {
        var events = new List<Pending>();
        TOutcome outcome;
        using (var tx = Begin())
        {
            outcome = body(events);
            if (events.Count > 0)
            {
                SetMeta("revision", _revision + 1);
            }

            Commit(tx);
        }

        if (events.Count > 0)
        {
            _revision++;
            Publish(events);
        }

        return result(outcome, _revision);
    }

    private void Publish(List<Pending> events)
    {
        foreach (var watcher in _watchers)
        {
            foreach (var pending in events)
            {
                if (pending.Event.Revision >= watcher.MinRevision && watcher.Range.Contains(pending.Key))
                {
                    watcher.Events.Writer.TryWrite(pending.Event);
                }
            }
        }
    }

    private void SweepExpiredLeases()
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var expired = new List<long>();
        using (var select = _db.CreateCommand())
        {
            select.CommandText = "SELECT id FROM leases WHERE deadline_ms <= $now ORDER BY deadline_ms, id";
            Bind(select, "$now", now);
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                expired.Add(reader.GetInt64(0));
            }
        }

        foreach (var id in expired)
        {
            RevokeLocked(id);
        }
    }

    private void OnLeaseTimer()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            try
            {
                SweepExpiredLeases();
            }
            catch (SqliteException)
            {
                // The next call sweeps again first and reports the failure to its caller; a timer has no caller to tell.
            }
        }
    }

    private List<KeyValue> ReadCurrent(KeyRange range, long limit, out long count)
    {
        var where = RangeWhere(range, "key");
        var command = Prepared($"SELECT key, value, create_rev, mod_rev, version, lease FROM kv WHERE {where} ORDER BY key LIMIT $limit");
        BindRange(range, command);
        Bind(command, "$limit", limit == 0 ? -1 : limit);
        var kvs = ReadEntries(command);
        count = kvs.Count;
        if (limit != 0 && kvs.Count == limit)
        {
            var counting = Prepared($"SELECT COUNT(*) FROM kv WHERE {where}");
            BindRange(range, counting);
            count = (long)counting.ExecuteScalar()!;
        }

        return kvs;
    }

    private List<KeyValue> ReadAt(KeyRange range, long limit, long revision, out long count)
    {
        using var command = _db.CreateCommand();
        var where = RangeClause(range, command, "h.key");
        var from = $"""
            FROM history h WHERE h.type = 0 AND {where} AND h.revision = (
                SELECT MAX(h2.revision) FROM history h2 WHERE h2.key = h.key AND h2.revision <= $rev)
            """;
        command.CommandText = $"SELECT h.key, h.value, h.create_rev, h.revision, h.version, h.lease {from} ORDER BY h.key LIMIT $limit";
        Bind(command, "$rev", revision);
        Bind(command, "$limit", limit == 0 ? -1 : limit);
        var kvs = ReadEntries(command);
        count = kvs.Count;
        if (limit != 0 && kvs.Count == limit)
        {
            command.CommandText = $"SELECT COUNT(*) {from}";
            count = (long)command.ExecuteScalar()!;
        }

        return kvs;
    }

    private List<WatchEvent> ReadHistory(KeyRange range, long fromRevision)
    {
        using var command = _db.CreateCommand();
        var where = RangeClause(range, command, "key");
        command.CommandText = $"SELECT key, type, value, create_rev, revision, version, lease FROM history WHERE revision >= $from AND {where} ORDER BY revision, sub";
        Bind(command, "$from", fromRevision);
        var events = new List<WatchEvent>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var kv = new KeyValue(KeyText(reader.GetFieldValue<byte[]>(0)), reader.GetFieldValue<byte[]>(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6));
            events.Add(new WatchEvent(reader.GetInt64(1) == PutType ? WatchEventType.Put : WatchEventType.Delete, kv));
        }

        return events;
    }

    private static List<KeyValue> ReadEntries(SqliteCommand command)
    {
        var kvs = new List<KeyValue>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            kvs.Add(new KeyValue(KeyText(reader.GetFieldValue<byte[]>(0)), reader.GetFieldValue<byte[]>(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5)));
        }

        return kvs;
    }

    private long? LeaseTtlMs(long leaseId)
    {
        using var command = _db.CreateCommand();
        command.Transaction = _tx;
        command.CommandText = "SELECT ttl_ms FROM leases WHERE id = $id";
        Bind(command, "$id", leaseId);
        return command.ExecuteScalar() is long ttl ? ttl : null;
    }

    private long ReadMeta(string name)
    {
        using var command = _db.CreateCommand();
        command.CommandText = "SELECT value FROM meta WHERE name = $name";
        Bind(command, "$name", name);
        return (long)command.ExecuteScalar()!;
    }

    private void SetMeta(string name, long value) => Exec("UPDATE meta SET value = $value WHERE name = $name", ("$name", name), ("$value", value));

    private void Exec(string sql, params (string Name, object Value)[] parameters)
    {
        var command = Prepared(sql);
        foreach (var (name, value) in parameters)
        {
            Bind(command, name, value);
        }

        command.ExecuteNonQuery();
    }

    // Binds a value, reusing the command's parameter of that name when it has one: a cached command keeps its
    // parameters (the same SQL text always names the same ones), and a new SqliteParameter per bind per put was a sixth
    // of the store's allocation when placing at scale.
    private static void Bind(SqliteCommand command, string name, object value)
    {
        int index = command.Parameters.IndexOf(name);
        if (index >= 0)
        {
            command.Parameters[index].Value = value;
        }
        else
        {
            command.Parameters.AddWithValue(name, value);
        }
    }

    // The cached command for sql, on the current transaction; its parameters keep their last values until bound again.
    private SqliteCommand Prepared(string sql)
    {
        if (!_prepared.TryGetValue(sql, out var command))
        {
            command = _db.CreateCommand();
            command.CommandText = sql;
            _prepared[sql] = command;
        }

        command.Transaction = _tx;
        return command;
    }

    private SqliteTransaction Begin() => _tx = _db.BeginTransaction();

    private void Commit(SqliteTransaction tx)
    {
        tx.Commit();
        _tx = null;
    }

    private Task<T> Run<T>(string operation, CancellationToken cancellationToken, Func<T> body)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ThrowIfDisposed();
            return Task.FromResult(Guard(operation, () =>
            {
                SweepExpiredLeases();
                return body();
            }));
        }
    }

    private T Guard<T>(string operation, Func<T> body)
    {
        try
        {
            return body();
        }
        catch (SqliteException ex)
        {
            throw new StoreUnavailableException(StoreMessages.BackendFailed(_source, operation, ex.SqliteErrorCode, ex.Message), ex);
        }
        finally
        {
            // A body that threw leaves its transaction uncommitted; disposing it (in the using) rolled it back.
            _tx = null;
        }
    }

    private void ThrowIfDisposed()
    {
        if (_disposed)
        {
            throw new StoreUnavailableException(StoreMessages.StoreClosed(_source));
        }
    }

    private readonly record struct Pending(byte[] Key, WatchEvent Event);

    private sealed class Watcher(KeyRange range, long minRevision)
    {
        public KeyRange Range { get; } = range;

        // Events below this revision were (or, for a future start, will never be) part of the replay.
        public long MinRevision { get; } = minRevision;

        // Unbounded so a commit never blocks on a slow reader; a reader that never drains holds memory until it is cancelled.
        public Channel<WatchEvent> Events { get; } = Channel.CreateUnbounded<WatchEvent>(new UnboundedChannelOptions { SingleReader = true });
    }
}
