import { it } from "vitest";
import { renderText } from "../src/render/text.js";
import { renderMarkdown } from "../src/render/markdown.js";
import { diagnoseSnapshot, world, S3_PREFIX_LIST } from "./fixtures/world.js";
it("print", async () => {
  const cases = [
    world().withoutNatGateway(),
    world().withNetworkAcl([{ RuleNumber: 90, Protocol: "6", RuleAction: "deny", Egress: true, CidrBlock: "0.0.0.0/0", PortRange: { From: 443, To: 443 } }, { RuleNumber: 100, Protocol: "-1", RuleAction: "allow", Egress: true, CidrBlock: "0.0.0.0/0" }, { RuleNumber: 100, Protocol: "-1", RuleAction: "allow", Egress: false, CidrBlock: "0.0.0.0/0" }]),
    world().privateWithEndpoints("ecr.api", "ecr.dkr", "s3").withEgress([{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: S3_PREFIX_LIST }] }]),
    world().withDefaultRoute({ TransitGatewayId: "tgw-0aaa" }),
  ];
  for (const w of cases) {
    const { report } = await diagnoseSnapshot(w.build());
    console.log(renderText(report));
  }
  const { report } = await diagnoseSnapshot(cases[2].build());
  console.log(renderMarkdown(report).split("## Findings")[0]);
});
