import { defineDiagnostic, fail, notApplicable, OUTBOUND_STAGES, pass } from "../src/diagnostic.js";
import { enableVpcDnsCommands } from "../src/fixes.js";
import type { DestinationPath } from "../src/model/evidence.js";
import { factValue } from "../src/model/fact.js";
import { endpointPaths, hostsText, internetPathWorks, isCheckResult, originEvidence, originNote } from "../src/model/network-queries.js";
import { DOCS, originLabel, vpcIdOf } from "../src/model/queries.js";

/** An interface endpoint exists, but with PrivateDnsEnabled off the service's name still resolves to its public addresses. */
export default defineDiagnostic({
  id: "vpc-endpoint-private-dns-disabled",
  title: "The interface endpoints the pull relies on have private DNS enabled",
  docs: [DOCS.ecrEndpoints, DOCS.interfaceEndpoints],
  messageKinds: ["timeout", "canceled", "dns"],
  stages: OUTBOUND_STAGES,
  check(e) {
    const n = endpointPaths(e);
    if (isCheckResult(n)) return n;
    const { origin, paths } = n;
    const off = paths.filter((p) => p.endpointProblem === "private-dns-disabled");
    if (off.length === 0) return notApplicable;
    // With a working route out, the requests go to the public names through it: the endpoint is unused, not a break.
    const broken = off.filter((p) => !internetPathWorks(p));
    if (broken.length === 0) return pass("Interface endpoints with private DNS off are bypassed by a working route to the internet");
    const byEndpoint = new Map<string, DestinationPath[]>();
    for (const p of broken) byEndpoint.set(p.endpoint?.VpcEndpointId ?? "?", [...(byEndpoint.get(p.endpoint?.VpcEndpointId ?? "?") ?? []), p]);
    const ids = [...byEndpoint.keys()];
    const dns = factValue(e.network.dns);
    const vpcId = vpcIdOf(e) ?? "VPC_ID";
    const attrs = dns && (!dns.support || !dns.hostnames) ? enableVpcDnsCommands(e, vpcId, { support: !dns.support, hostnames: !dns.hostnames }) : [];
    const route = broken[0].route;
    return fail({
      severity: "error",
      certainty: "proven",
      title: `Interface endpoint${ids.length > 1 ? "s" : ""} ${ids.join(", ")} ha${ids.length > 1 ? "ve" : "s"} private DNS disabled`,
      explanation:
        `The pull leaves from ${originLabel(origin)} and needs ${hostsText(broken)}. The VPC has interface endpoints for ${broken.map((p) => p.endpoint?.ServiceName).join(", ")}, ` +
        "but their PrivateDnsEnabled flag is off, so those names still resolve to the services' public addresses and the requests take the subnet's route instead of the endpoint" +
        (route ? ` (${route.destination} -> ${route.target.id}${route.blackhole ? ", a blackhole" : ""}), which does not reach the internet.` : ", and the subnet has no route to the internet.") +
        " Turning private DNS on makes the service's own name answer with the endpoint's private addresses; it needs the VPC's enableDnsSupport and enableDnsHostnames." +
        originNote(e, origin),
      evidence: [
        ...[...byEndpoint.entries()].map(([id, ps]) => ({ resource: id, fact: `${ps[0].endpoint?.ServiceName}: PrivateDnsEnabled: false (needed for ${ps.map((p) => p.destination.why).join(", ")})` })),
        { resource: route?.routeTableId ?? factValue(e.network.routeTable)?.table.RouteTableId ?? "route table", fact: route ? `route ${route.destination} -> ${route.target.id}${route.blackhole ? " (blackhole)" : ""}` : `no route covers ${broken[0].destination.ip ?? "0.0.0.0/0"}` },
        originEvidence(origin),
      ],
      fixes: [
        {
          summary: `Turn on private DNS for ${ids.join(", ")}${attrs.length > 0 ? `, after turning on the VPC's DNS attributes` : ""}.`,
          steps: ["VPC console > Endpoints > the endpoint > Actions > Modify private DNS name > Enable for this endpoint."],
          commands: [...attrs, ...ids.map((id) => `aws ec2 modify-vpc-endpoint --region ${e.region} --vpc-endpoint-id ${id} --private-dns-enabled`)],
          docs: [DOCS.interfaceEndpoints, DOCS.ecrEndpoints],
        },
      ],
    });
  },
});
