import { describe, expect, it } from "vitest";
import d from "../../diagnostics/vpc-endpoint-policy-denies.js";
import { ECR_DKR_ONLY_OTHER_REPO, LAYER_FORBIDDEN, S3_OWN_ACCOUNT_ONLY } from "../fixtures/network.js";
import { ACCOUNT, EXEC_ROLE_ARN, evidenceOf, MESSAGES, rankedIds, REGION, world } from "../fixtures/world.js";

const endpoints = () => world().privateWithEndpoints("ecr.api", "ecr.dkr", "s3");
const policy = (statement: object) => JSON.stringify({ Version: "2012-10-17", Statement: [statement] });

describe("vpc-endpoint-policy-denies", () => {
  it("fires when the ecr.dkr endpoint's policy allows another repository only", async () => {
    const w = endpoints().withEndpoint("ecr.dkr", { PolicyDocument: ECR_DKR_ONLY_OTHER_REPO }).failingWith(MESSAGES.accessDenied);
    expect((await rankedIds(w))[0]).toBe("vpc-endpoint-policy-denies");
    const r = d.check(await evidenceOf(w));
    expect(r.status).toBe("fail");
    if (r.status !== "fail") return;
    expect(r.findings[0].severity).toBe("error");
    expect(r.findings[0].evidence[0].resource).toBe("vpce-0ecrdkr");
    expect(r.findings[0].evidence[0].fact).toContain(`arn:aws:ecr:${REGION}:${ACCOUNT}:repository/web`);
    expect(r.findings[0].fixes[0].commands!.join("\n")).toContain("--vpc-endpoint-id vpce-0ecrdkr");
    expect(r.findings[0].fixes[0].steps!.join("\n")).toContain(EXEC_ROLE_ARN);
  });

  it("fires on an explicit deny of ecr:GetAuthorizationToken in the ecr.api endpoint's policy", async () => {
    const w = endpoints().withEndpoint("ecr.api", {
      PolicyDocument: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }, { Sid: "NoTokens", Effect: "Deny", Principal: "*", Action: "ecr:GetAuthorizationToken", Resource: "*" }] }),
    });
    const r = d.check(await evidenceOf(w));
    expect(r.status === "fail" && r.findings[0].evidence[0].fact).toContain("NoTokens");
  });

  it("fires when the S3 gateway endpoint's policy is limited to the account's principals (ECR's pre-signed layer URLs are not)", async () => {
    const w = endpoints().withEndpoint("s3", { PolicyDocument: S3_OWN_ACCOUNT_ONLY }).failingWith(LAYER_FORBIDDEN);
    expect((await rankedIds(w))[0]).toBe("vpc-endpoint-policy-denies");
    const r = d.check(await evidenceOf(w));
    expect(r.status === "fail" && r.findings[0].certainty).toBe("likely");
    expect(r.status === "fail" && r.findings[0].fixes[0].steps!.join("\n")).toContain("arn:aws:s3:::prod-us-east-1-starport-layer-bucket/*");
  });

  it("does not fire for the documented S3 statement, for policies naming the role, or for endpoints without a policy", async () => {
    const s3 = endpoints().withEndpoint("s3", { PolicyDocument: policy({ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::prod-us-east-1-starport-layer-bucket/*" }) });
    expect(d.check(await evidenceOf(s3)).status).toBe("pass");
    const role = endpoints().withEndpoint("ecr.dkr", { PolicyDocument: policy({ Effect: "Allow", Principal: { AWS: EXEC_ROLE_ARN }, Action: "ecr:*", Resource: "*" }) });
    expect(d.check(await evidenceOf(role)).status).toBe("pass");
    expect(d.check(await evidenceOf(endpoints())).status).toBe("pass");
  });

  it("does not apply where no endpoint is on the path", async () => {
    expect(d.check(await evidenceOf(world())).status).toBe("n/a");
  });

  it("warns, without an error, when the policy depends on a condition it cannot check offline", async () => {
    const w = endpoints().withEndpoint("ecr.api", { PolicyDocument: policy({ Effect: "Allow", Principal: "*", Action: "ecr:*", Resource: "*", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc" } } }) });
    const r = d.check(await evidenceOf(w));
    expect(r.status === "fail" && r.findings[0].severity).toBe("warning");
  });
});
