import { FAILURE_KINDS } from "../src/analysis/message.js";
import { OPAQUE_TARGETS } from "../src/analysis/routes.js";
import { type CheckResult, defineDiagnostic, fail, pass } from "../src/diagnostic.js";
import type { Evidence } from "../src/model/evidence.js";
import { factValue } from "../src/model/fact.js";
import { DOCS, plural, quote } from "../src/model/queries.js";
import type { Outcome, SummaryDiagnostic } from "../src/report.js";

function skippedRemedy(outcome: Outcome): string {
  const why = new Set(outcome.unread.map((u) => u.why));
  const gaps = [...new Set(outcome.unread.filter((u) => u.why === "not-captured").map((u) => u.message))];
  const parts = [
    ...(why.has("denied") ? ["grant the permissions named below"] : []),
    ...(gaps.length ? [`add what the snapshot lacks (${gaps.slice(0, 3).map((g) => g.replace(/^the snapshot holds no /, "")).join(", ")}${gaps.length > 3 ? ", ..." : ""}; ecs-doctor record captures every collection a diagnosis reads)`] : []),
    ...(why.has("throttled") || why.has("timeout") || why.has("failed") ? ["run it again where the calls named below can answer"] : []),
  ];
  return parts.length ? parts.join(", and ") : "see why each check below was skipped";
}

/** The steps of the pull itself; a failure elsewhere (secrets, log driver, EFS, network interface) is named as a start failure. */
const PULL_STAGES: ReadonlySet<string> = new Set(["registry-auth", "manifest", "layer", "unknown"]);

/** The pull failed and nothing checked explains it: say what was checked, what could not be, and where to look. */
const diagnostic: SummaryDiagnostic = {
  ...defineDiagnostic({
    id: "unexplained-pull-failure",
    title: "The failure is explained by a checked cause",
    docs: [DOCS.cannotPull, DOCS.resourceInit],
    // Whatever the message says, nothing checked explained it.
    messageKinds: [...FAILURE_KINDS],
    stages: "any",
    check: () => pass(),
  }),
  summarize(e: Evidence, outcome: Outcome): CheckResult {
    // A preflight has no failure to explain: it reports only what would break.
    if (e.scope === "none" || e.mode === "preflight") return { status: "n/a" };
    // An error of another step (a missing tag when the log driver failed) is worth fixing, but it does not explain this failure.
    if (outcome.findings.some((f) => f.severity === "error" && !f.offStage)) return pass();
    const failure = e.failures[0];
    // The hop we cannot see past: the collector's (the subnet's route, or a NAT gateway's own route), the failing destination's first.
    const paths = [...(factValue(e.network.destinations) ?? [])].sort((a, b) => Number(b.destination.failed === true) - Number(a.destination.failed === true));
    const hop = paths.map((p) => p.opaque ?? (p.route && !p.route.blackhole && OPAQUE_TARGETS.has(p.route.target.kind) ? p.route : undefined)).find((m) => m !== undefined);
    const opaque = hop ? { route: hop } : undefined;
    const evidence = [
      { resource: failure?.container ? `container ${failure.container}` : (e.task.taskArn ?? "task"), fact: `reason: ${failure?.message ?? e.task.stoppedReason ?? "(none)"}` },
      ...(opaque?.route ? [{ resource: opaque.route.target.id, fact: `route ${opaque.route.destination} in ${opaque.route.routeTableId} goes to ${opaque.route.target.kind} ${opaque.route.target.id}, beyond what this account's APIs show` }] : []),
      ...outcome.skipped.slice(0, 8).map((s) => ({ resource: s.check, fact: `not checked: ${s.reason}` })),
    ];
    const skipped = outcome.skipped.length > 0;
    // What would let the skipped checks run: a permission for a denied call; for a snapshot's gap, the collection (never a permission).
    const remedy = skippedRemedy(outcome);
    const look = opaque?.route
      ? `The pull's route goes to ${opaque.route.target.kind} ${opaque.route.target.id}: look there next (its route tables, firewall rules, and whether it reaches the internet or the registry).`
      : skipped
        ? `Look first at what could not be checked (${remedy}, and diagnose again), then at the registry's side.`
        : "Everything that could be checked is in order: the cause is outside what this account's configuration shows (a service control policy, a proxy or firewall appliance, the registry's side), or it was passing and has since been fixed: retry the task.";
    // A cut message that names its step ranks that step's possible causes (an unreadable secret) above this summing-up.
    const stepCauses = outcome.findings.filter((f) => f.causeOfCutMessage).map((f) => f.id);
    return fail({
      severity: "error",
      certainty: "possible",
      ...(stepCauses.length > 0 && !opaque && { confidence: 0.2 }),
      title: opaque?.route
        ? `Pull failed; the path leaves through ${opaque.route.target.id}, which ecs-doctor cannot see past`
        : `${PULL_STAGES.has(failure?.signals.stage ?? "unknown") ? "Pull failed" : "The task failed to start"}, and no checked configuration explains it`,
      explanation:
        `The task failed with ${quote(failure?.message ?? e.task.stoppedReason ?? "")} (${failure?.signals.summary ?? "unparsed"}). ` +
        `${plural(outcome.passed.length, "check")} passed and ${outcome.skipped.length} could not be made. ${look}` +
        (stepCauses.length > 0 ? ` The message is cut short but names its step: look first at ${[...new Set(stepCauses)].join(", ")}, above.` : ""),
      evidence,
      fixes: [
        {
          summary: opaque?.route
            ? `Inspect the path beyond ${opaque.route.target.id}.`
            : skipped
              ? `${remedy[0].toUpperCase()}${remedy.slice(1)}, diagnose again, then retry the task.`
              : "Retry the task; if it fails the same way, look outside the account's configuration (service control policies, proxies, the registry).",
          commands: opaque?.route?.target.kind === "transit-gateway"
            ? [`aws ec2 search-transit-gateway-routes --region ${e.region} --transit-gateway-route-table-id TGW_ROUTE_TABLE_ID --filters Name=type,Values=static,propagated`]
            : [],
          docs: [DOCS.cannotPull],
        },
      ],
    });
  },
};
export default diagnostic;
