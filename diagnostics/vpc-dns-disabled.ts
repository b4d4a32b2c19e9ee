import { defineDiagnostic, fail, OUTBOUND_STAGES, pass, skip } from "../src/diagnostic.js";
import { enableVpcDnsCommands } from "../src/fixes.js";
import { factValue } from "../src/model/fact.js";
import { hostsText, internetPathWorks, isCheckResult, networkPaths, originEvidence, originNote } from "../src/model/network-queries.js";
import { DOCS, originLabel, vpcIdOf } from "../src/model/queries.js";

/** enableDnsSupport / enableDnsHostnames off: no name resolves, or the endpoints' private DNS names do not take effect. */
export default defineDiagnostic({
  id: "vpc-dns-disabled",
  title: "The VPC's DNS attributes let the pull resolve its hosts",
  docs: [DOCS.vpcDns, DOCS.interfaceEndpoints],
  messageKinds: ["dns", "timeout", "canceled"],
  stages: [...OUTBOUND_STAGES, "efs"],
  check(e) {
    const n = networkPaths(e);
    if (isCheckResult(n)) return n;
    const { origin, paths } = n;
    if (e.network.dns.state !== "known") return skip("cannot read the VPC's DNS attributes", e.network.dns);
    const dns = e.network.dns.value;
    if (dns.support && dns.hostnames) return pass();
    const vpcId = vpcIdOf(e) ?? "VPC_ID";
    const attrs = `enableDnsSupport: ${dns.support}, enableDnsHostnames: ${dns.hostnames}`;
    const commands = enableVpcDnsCommands(e, vpcId, { support: !dns.support, hostnames: !dns.hostnames });
    const fixes = [
      {
        summary: `Turn on ${[!dns.support && "enableDnsSupport", !dns.hostnames && "enableDnsHostnames"].filter(Boolean).join(" and ")} for ${vpcId}.`,
        steps: [`VPC console > Your VPCs > ${vpcId} > Actions > Edit VPC settings: check Enable DNS resolution and Enable DNS hostnames.`],
        commands,
        docs: [DOCS.vpcDns],
      },
    ];
    // enableDnsSupport off and no other name server: the VPC's resolver does not answer at all.
    if (!dns.support) {
      if (dns.customServers === null) return skip("cannot read the VPC's DHCP options, which say whether another DNS server answers", e.network.dhcpOptions.state !== "known" ? e.network.dhcpOptions : undefined);
      if (dns.customServers.length === 0) {
        return fail({
          severity: "error",
          certainty: "proven",
          title: `VPC ${vpcId} has DNS resolution turned off (enableDnsSupport false)`,
          explanation:
            `The pull leaves from ${originLabel(origin)} and must resolve ${hostsText(paths)}. The VPC's DHCP options send DNS queries to the Amazon-provided DNS server, ` +
            "but with enableDnsSupport off that server does not answer in this VPC, so no name resolves and the pull fails before it connects." +
            originNote(e, origin),
          evidence: [
            { resource: vpcId, fact: attrs },
            { resource: factValue(e.network.vpc)?.DhcpOptionsId ?? vpcId, fact: "domain-name-servers: AmazonProvidedDNS" },
            originEvidence(origin),
          ],
          fixes,
        });
      }
    }
    // Either attribute off: EFS utils cannot resolve the file system's DNS name (fs-....efs.REGION.amazonaws.com).
    const efs = e.efs.volumes.filter((v) => factValue(v.fileSystem) && factValue(v.mountTarget));
    if (efs.length > 0) {
      const ids = [...new Set(efs.map((v) => v.fileSystemId))];
      return fail({
        severity: "error",
        certainty: "proven",
        title: `VPC ${vpcId} has ${[!dns.support && "enableDnsSupport", !dns.hostnames && "enableDnsHostnames"].filter(Boolean).join(" and ")} off, so EFS file system ${ids.join(", ")} cannot be mounted by name`,
        explanation:
          `The task mounts ${ids.map((id) => `${id} (${id}.efs.${e.region}.amazonaws.com)`).join(", ")}. EFS utils mounts by the file system's DNS name, which resolves to the mount target in the task's Availability Zone ` +
          `only when the VPC has both enableDnsSupport and enableDnsHostnames on; with ${attrs}, it fails with Failed to resolve "${ids[0]}.efs...", although the mount target exists.` +
          originNote(e, origin),
        evidence: [
          { resource: vpcId, fact: attrs },
          ...efs.map((v) => ({ resource: v.fileSystemId, fact: `mount target ${factValue(v.mountTarget)?.MountTargetId} in ${factValue(v.availabilityZone) ?? "the task's Availability Zone"}` })),
          originEvidence(origin),
        ],
        fixes,
      });
    }
    // Either attribute off: interface endpoints' private DNS names do not take effect.
    const bypassed = paths.filter((p) => p.endpointProblem === "vpc-dns-disabled" && !internetPathWorks(p));
    if (bypassed.length === 0) return pass(`The VPC's DNS attributes (${attrs}) do not break this pull's path`);
    const ids = [...new Set(bypassed.map((p) => p.endpoint?.VpcEndpointId ?? "?"))];
    return fail({
      severity: "error",
      certainty: "proven",
      title: `VPC ${vpcId} has ${[!dns.support && "enableDnsSupport", !dns.hostnames && "enableDnsHostnames"].filter(Boolean).join(" and ")} off, so its endpoints' private DNS does not apply`,
      explanation:
        `The pull leaves from ${originLabel(origin)} and relies on interface endpoints ${ids.join(", ")} for ${hostsText(bypassed)}. Their private DNS names take effect only when the VPC has both enableDnsSupport and enableDnsHostnames on; ` +
        `with ${attrs}, the names resolve to the services' public addresses, which the subnet has no route to, and the requests time out.` +
        originNote(e, origin),
      evidence: [
        { resource: vpcId, fact: attrs },
        ...ids.map((id) => ({ resource: id, fact: `PrivateDnsEnabled: true, not in effect` })),
        originEvidence(origin),
      ],
      fixes,
    });
  },
});
