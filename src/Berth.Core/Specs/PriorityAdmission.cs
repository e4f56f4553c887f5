namespace Berth.Core.Specs;

/// <summary>
/// Gives a workload its priority from the priority classes, as Kubernetes' <c>Priority</c> admission plugin does: a
/// named class gives its value; with no name, the global default class (if any) does; the class's preemption policy
/// applies unless the workload gives its own.
/// </summary>
public static class PriorityAdmission
{
    /// <summary>
    /// The class a workload gets: the one it names, or the global default when it names none; null when it names none
    /// and there is no global default, or when the class it names does not exist (see <see cref="UnknownClass"/>).
    /// </summary>
    public static PriorityClass? ClassFor(string? className, IEnumerable<PriorityClass> classes)
    {
        ArgumentNullException.ThrowIfNull(classes);
        foreach (var c in classes)
        {
            if (className is null ? c.GlobalDefault : string.Equals(c.Name, className, StringComparison.Ordinal))
            {
                return c;
            }
        }
        return null;
    }

    /// <summary>
    /// The workload with the class's value as its priority, and the class's preemption policy unless
    /// <paramref name="keepOwnPolicy"/> (the workload gave one itself).
    /// </summary>
    public static WorkloadSpec Admit(WorkloadSpec workload, PriorityClass priorityClass, bool keepOwnPolicy = false)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(priorityClass);
        return workload with
        {
            Priority = priorityClass.Value,
            PreemptionPolicy = keepOwnPolicy ? workload.PreemptionPolicy : priorityClass.PreemptionPolicy,
        };
    }

    /// <summary>The problem with a <c>priorityClassName</c> that names no class: the name, the classes there are, and how to fix it.</summary>
    public static string UnknownClass(string className, IEnumerable<PriorityClass> classes)
    {
        ArgumentNullException.ThrowIfNull(classes);
        var names = classes.Select(c => c.Name).Order(StringComparer.Ordinal).ToList();
        var known = names.Count == 0 ? "there are none" : $"there are {string.Join(", ", names)}";
        return $"no priority class named '{className}' ({known}); create it first (kind PriorityClass) or name an existing one";
    }
}
