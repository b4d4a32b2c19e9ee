import { defineDiagnostic, fail, notApplicable, OUTBOUND_STAGES, pass, skip } from "../src/diagnostic.js";
import { factValue } from "../src/model/fact.js";
import { isCheckResult, networkPaths, originEvidence, originNote } from "../src/model/network-queries.js";
import { DOCS, originLabel, quote, vpcIdOf } from "../src/model/queries.js";

/** The VPC's DHCP options send DNS to custom servers, and the message says a name did not resolve. */
export default defineDiagnostic({
  id: "custom-dns-resolution",
  title: "The DNS servers the VPC hands out resolve the pull's hosts",
  docs: [DOCS.dhcpOptions, DOCS.ecrEndpoints, DOCS.resolverForwarding],
  messageKinds: ["dns"],
  stages: [...OUTBOUND_STAGES, "efs"],
  check(e) {
    const failure = e.failures.find((f) => f.signals.kind === "dns");
    // Only a message that says a name did not resolve points at the DNS servers.
    if (!failure) return notApplicable;
    const n = networkPaths(e);
    if (isCheckResult(n)) return n;
    const { origin, paths } = n;
    if (e.network.dhcpOptions.state !== "known") return skip("cannot read the VPC's DHCP options", e.network.dhcpOptions);
    const dns = factValue(e.network.dns);
    const dopt = e.network.dhcpOptions.value;
    const servers = (dopt?.DhcpConfigurations ?? []).filter((c) => c.Key === "domain-name-servers").flatMap((c) => (c.Values ?? []).map((v) => v.Value ?? ""));
    const custom = dns?.customServers ?? servers.filter((s) => s && s !== "AmazonProvidedDNS");
    if (!dopt || custom.length === 0) return pass("The VPC uses the Amazon-provided DNS server");
    const vpcId = vpcIdOf(e) ?? "VPC_ID";
    const host = failure.signals.host;
    const viaEndpoints = paths.filter((p) => p.via === "interface-endpoint").map((p) => p.endpoint?.VpcEndpointId);
    return fail({
      severity: "error",
      certainty: "likely",
      container: failure.container,
      title: `DNS servers ${custom.join(", ")} of DHCP options ${dopt.DhcpOptionsId} did not resolve ${host ?? "the registry's name"}`,
      explanation:
        `The task failed with ${quote(failure.message)}: a name did not resolve. The pull leaves from ${originLabel(origin)}, in VPC ${vpcId}, whose DHCP options ${dopt.DhcpOptionsId} send DNS queries to ${servers.join(", ")} instead of (only) the Amazon-provided DNS server. ` +
        "Those servers must resolve the AWS names of the pull (api.ecr, the registry, S3 and the others) and, for private DNS of interface endpoints to apply, forward the amazonaws.com names to the Route 53 Resolver of this VPC (the VPC's base address + 2, or 169.254.169.253), for example through a Route 53 Resolver inbound endpoint." +
        (viaEndpoints.length > 0 ? ` This VPC's path uses interface endpoints (${[...new Set(viaEndpoints)].join(", ")}), whose names only the VPC's resolver answers with private addresses.` : "") +
        originNote(e, origin),
      evidence: [
        { resource: dopt.DhcpOptionsId ?? "dhcp options", fact: `domain-name-servers: ${servers.join(", ")}` },
        { resource: `container ${failure.container}`, fact: `reason: ${failure.message}` },
        originEvidence(origin),
      ],
      fixes: [
        {
          summary: `Make the custom DNS servers forward AWS names (at least amazonaws.com) to the Route 53 Resolver, or give ${vpcId} DHCP options that use AmazonProvidedDNS.`,
          steps: [
            "On the custom DNS servers: add a conditional forwarder for amazonaws.com to a Route 53 Resolver inbound endpoint in this VPC (or to the VPC's base address + 2 from inside the VPC).",
            `Or: VPC console > DHCP option sets > Create (domain name servers: AmazonProvidedDNS), then Your VPCs > ${vpcId} > Actions > Edit DHCP option set.`,
          ],
          commands: [
            `aws ec2 create-dhcp-options --region ${e.region} --dhcp-configurations "Key=domain-name-servers,Values=AmazonProvidedDNS"`,
            `aws ec2 associate-dhcp-options --region ${e.region} --dhcp-options-id NEW_DHCP_OPTIONS_ID --vpc-id ${vpcId}`,
          ],
          docs: [DOCS.dhcpOptions, DOCS.resolverForwarding],
        },
      ],
    });
  },
});
