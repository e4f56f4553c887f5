using Berth.Core.Specs;
using Berth.Server.Api;
using Berth.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.OpenApi;

namespace Berth.Server.Automation;

/// <summary>The automation endpoints: <c>GET /v1/rules</c>, <c>GET /v1/rules/{name}</c> and <c>GET /v1/webhookdeliveries</c> (REST only, read views for the CLI).</summary>
public static class AutomationApi
{
    /// <summary>Maps the endpoints onto <paramref name="v1"/>; needs <see cref="RuleQueries"/> registered.</summary>
    public static void MapAutomation(this RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        v1.MapGet("/rules", async (RuleQueries queries, CancellationToken ct) => ApiJson.Json(await queries.RulesAsync(ct).ConfigureAwait(false)))
            .WithName("ListRules").WithTags("Automation")
            .RequireAccess(AccessVerbs.List, AccessKinds.Rules)
            .WithSummary("Every automation rule with its condition, whether it is firing, its episodes and when it last fired; webhook secrets are hidden.")
            .Produces<RuleView[]>(StatusCodes.Status200OK);
        v1.MapGet("/rules/{name}", GetRuleAsync)
            .WithName("GetRule").WithTags("Automation")
            .RequireAccess(AccessVerbs.Get, AccessKinds.Rules)
            .WithSummary("One automation rule with where it stands for each subject.")
            .Produces<RuleView>(StatusCodes.Status200OK)
            .Produces<ApiError>(StatusCodes.Status404NotFound);
        v1.MapGet("/webhookdeliveries", async (HttpRequest request, RuleQueries queries, CancellationToken ct) =>
                ApiJson.Json(await queries.DeliveriesAsync(request.Query["rule"].FirstOrDefault(), ct).ConfigureAwait(false)))
            .WithName("ListWebhookDeliveries").WithTags("Automation")
            .RequireAccess(AccessVerbs.List, AccessKinds.WebhookDeliveries)
            .WithSummary("Webhook deliveries of the rules, newest first, each with its attempts (time, status, error) and final state.")
            .WithQueryParameter("rule", JsonSchemaType.String, "Only this rule's deliveries.")
            .Produces<WebhookDelivery[]>(StatusCodes.Status200OK);
    }

    private static async Task<IResult> GetRuleAsync(string name, RuleQueries queries, CancellationToken ct) =>
        await queries.RuleAsync(name, ct).ConfigureAwait(false) is { } view
            ? ApiJson.Json(view)
            : ApiJson.Error(StatusCodes.Status404NotFound, AutomationMessages.RuleNotFound(name));
}
