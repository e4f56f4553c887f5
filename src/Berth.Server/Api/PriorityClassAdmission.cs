using Berth.Core.Manifests;
using Berth.Core.Specs;
using Berth.Server.State;
using Berth.Store;

namespace Berth.Server.Api;

/// <summary>
/// Kubernetes' Priority admission at <c>berth apply</c>: each workload's <c>priorityClassName</c> becomes the class's
/// value and preemption policy (or the global default class's, when it names none), from the classes stored and those
/// applied in the same manifest. A name that matches no class, or a second global default, refuses the whole apply
/// with an error naming the field, so nothing is written.
/// </summary>
/// <remarks>The value is resolved once, when the workload is applied: changing or deleting the class later does not
/// change the priority of workloads already applied (as in Kubernetes, where a pod keeps the priority it was admitted with).</remarks>
public static class PriorityClassAdmission
{
    /// <summary>The priority classes stored now.</summary>
    public static async Task<IReadOnlyList<PriorityClass>> ReadStoredAsync(IKeyValueStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var kind = ObjectKinds.Find(ManifestKinds.PriorityClass)!;
        var range = await store.RangeAsync(KeyRange.Prefix(KeyLayout.ObjectsOf(kind)), cancellationToken: cancellationToken).ConfigureAwait(false);
        var classes = new List<PriorityClass>(range.Kvs.Count);
        foreach (var kv in range.Kvs)
        {
            classes.Add((PriorityClass)kind.Deserialize(kv.Value.Span));
        }
        return classes;
    }

    /// <summary>
    /// The workloads of <paramref name="manifest"/> with their priorities resolved. The classes are the stored ones,
    /// replaced or joined by those among <paramref name="objects"/>.
    /// </summary>
    /// <param name="manifest">The manifest text the workloads were read from, for error paths such as <c>[1].spec.priorityClassName</c>.</param>
    /// <param name="workloads">The manifest's workloads, in document order.</param>
    /// <param name="objects">The manifest's objects of other kinds.</param>
    /// <param name="stored">The priority classes stored now.</param>
    /// <exception cref="ManifestException">A workload names no existing class, or two classes would be the global default.</exception>
    public static IReadOnlyList<WorkloadSpec> Admit(string manifest, IReadOnlyList<WorkloadSpec> workloads, IReadOnlyList<StoredObject> objects, IReadOnlyList<PriorityClass> stored)
    {
        ArgumentNullException.ThrowIfNull(workloads);
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(stored);
        var applied = new List<PriorityClass>();
        foreach (var o in objects)
        {
            if (o.Kind.Kind == ManifestKinds.PriorityClass)
            {
                applied.Add(o.SpecAs<PriorityClass>());
            }
        }
        if (applied.Count == 0 && stored.Count == 0)
        {
            // No classes anywhere: nothing to resolve, unless a workload names one (an error, found below).
            if (workloads.All(w => w.PriorityClassName is null))
            {
                return workloads;
            }
        }
        var classes = new Dictionary<string, PriorityClass>(StringComparer.Ordinal);
        foreach (var c in stored)
        {
            classes[c.Name] = c;
        }
        foreach (var c in applied)
        {
            classes[c.Name] = c;
        }

        // The manifest is read again only to name the field of an error.
        List<ManifestDocument>? documents = null;
        ManifestDocument Document(Func<ManifestDocument, bool> match)
        {
            documents ??= [.. ManifestDocumentReader.ReadAll(manifest)];
            return documents.First(match);
        }

        foreach (var c in applied.Where(c => c.GlobalDefault))
        {
            if (classes.Values.FirstOrDefault(other => other.GlobalDefault && other.Name != c.Name) is { } other)
            {
                Document(d => d.Kind == ManifestKinds.PriorityClass && d.Name == c.Name)
                    .Spec.RequiredField("globalDefault").Fail(ApiMessages.SecondGlobalDefault(c.Name, other.Name));
            }
        }

        var result = new WorkloadSpec[workloads.Count];
        for (int i = 0; i < workloads.Count; i++)
        {
            var workload = workloads[i];
            var priorityClass = PriorityAdmission.ClassFor(workload.PriorityClassName, classes.Values);
            if (priorityClass is null && workload.PriorityClassName is { } name)
            {
                Document(d => d.Kind == ManifestKinds.Workload && d.Key == workload.Key)
                    .Spec.RequiredField("priorityClassName").Fail(PriorityAdmission.UnknownClass(name, classes.Values));
            }
            result[i] = priorityClass is null ? workload : PriorityAdmission.Admit(workload, priorityClass);
        }
        return result;
    }
}
