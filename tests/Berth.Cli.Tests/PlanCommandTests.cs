using Berth.Cli.Commands.Plan;
using Berth.Server.Placement;

namespace Berth.Cli.Tests;

/// <summary>The plan table, from a preview built by hand.</summary>
public sealed class PlanCommandTests
{
    private static string Write(PlanPreview plan, bool wide = false)
    {
        var output = new StringWriter();
        PlanCommand.WritePlan(plan, wide, output);
        return output.ToString().Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    [Fact]
    public void WritePlan_EverythingFits_NoReasonColumnAndTiesShown()
    {
        var plan = new PlanPreview(7, [new WorkloadPreview("default", "web", WorkloadPreviewChange.Created, [],
        [
            new ReplicaPreview(0, ReplicaPreviewAction.Place, "laptop", "2/2 nodes feasible, best score 100", ["desk"]),
            new ReplicaPreview(1, ReplicaPreviewAction.Place, "desk", "2/2 nodes feasible, best score 90", []),
        ])]);

        Assert.Equal(
            """
            workload default/web created
              REPLICA   ACTION   NODE
              0         place    laptop (or desk)
              1         place    desk
            (dry run at revision 7; nothing was changed)

            """,
            Write(plan));
    }

    [Fact]
    public void WritePlan_UpdatedWithUnschedulable_FieldsAndReason()
    {
        var plan = new PlanPreview(9, [new WorkloadPreview("default", "web", WorkloadPreviewChange.Updated, ["replicas", "containers"],
        [
            new ReplicaPreview(0, ReplicaPreviewAction.Keep, "desk", "1/1 nodes feasible", []),
            new ReplicaPreview(1, ReplicaPreviewAction.Unschedulable, null, "0/1 nodes are available: 1 Insufficient cpu.", []),
        ])]);

        var text = Write(plan);

        Assert.StartsWith("workload default/web updated (replicas, containers)\n  REPLICA   ACTION          NODE     REASON\n", text, StringComparison.Ordinal);
        Assert.Contains("  0         keep            desk\n", text, StringComparison.Ordinal);
        Assert.Contains("  1         unschedulable   <none>   0/1 nodes are available: 1 Insufficient cpu.\n", text, StringComparison.Ordinal);
        Assert.Contains("1/1 nodes feasible", Write(plan, wide: true), StringComparison.Ordinal);
    }
}
