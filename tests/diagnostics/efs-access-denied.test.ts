import { describe, expect, it } from "vitest";
import d from "../../diagnostics/efs-access-denied.js";
import type { PolicyDocument, PolicyStatement } from "../../src/model/aws.js";
import { ACCOUNT, EFS_ARN, EFS_MESSAGES, evidenceOf, rankedIds, TASK_ROLE_ARN, world } from "../fixtures/world.js";

const MOUNT = ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"];
const policy = (...Statement: PolicyStatement[]): PolicyDocument => ({ Version: "2012-10-17", Statement });
/** The policy the EFS console writes for "Prevent anonymous access" plus "Enforce in-transit encryption". */
const ACCOUNT_ONLY = { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: MOUNT, Resource: EFS_ARN, Condition: { Bool: { "elasticfilesystem:AccessedViaMountTarget": "true" } } };
const REQUIRE_TLS = { Sid: "RequireTls", Effect: "Deny", Principal: { AWS: "*" }, Action: "*", Resource: EFS_ARN, Condition: { Bool: { "aws:SecureTransport": "false" } } };
const EVERYONE = { Effect: "Allow", Principal: { AWS: "*" }, Action: MOUNT, Resource: EFS_ARN };

describe("efs-access-denied", () => {
  it("fires when IAM authorization is on and the task role is not allowed to mount, with the grant for the task role", async () => {
    const w = world().withEfs({ iam: true, taskRoleGrants: [] }).withFileSystemPolicy(policy(ACCOUNT_ONLY)).failingWith(EFS_MESSAGES.accessDenied);
    expect(await rankedIds(w)).toEqual(["efs-access-denied"]);
    const r = d.check(await evidenceOf(w));
    expect(r.status).toBe("fail");
    if (r.status !== "fail") return;
    expect(r.findings[0].severity).toBe("error");
    expect(r.findings[0].fixes[0].commands).toEqual([
      `aws iam put-role-policy --role-name webTaskRole --policy-name efs-client-access --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["elasticfilesystem:ClientMount","elasticfilesystem:ClientWrite"],"Resource":"${EFS_ARN}"}]}'`,
    ]);
  });

  it("fires when the grant is on the execution role, not the task role", async () => {
    const w = world().withEfs({ iam: true, taskRoleGrants: [] }).withFileSystemPolicy(policy(ACCOUNT_ONLY)).failingWith(EFS_MESSAGES.accessDenied)
      .withInlinePolicy(policy({ Effect: "Allow", Action: MOUNT, Resource: EFS_ARN }), "efs");
    expect((await rankedIds(w))[0]).toBe("efs-access-denied");
    const r = d.check(await evidenceOf(w));
    expect(r.status === "fail" && r.findings[0].explanation).toContain("the client is the task role webTaskRole, never the execution role");
  });

  it("does not fire when the task role is allowed, or the policy grants the task role itself", async () => {
    expect(d.check(await evidenceOf(world().withEfs({ iam: true }).withFileSystemPolicy(policy(ACCOUNT_ONLY)))).status).toBe("pass");
    const granted = world().withEfs({ iam: true, taskRoleGrants: [] })
      .withFileSystemPolicy(policy({ Effect: "Allow", Principal: { AWS: TASK_ROLE_ARN }, Action: MOUNT, Resource: EFS_ARN }));
    expect(d.check(await evidenceOf(granted)).status).toBe("pass");
  });

  it("does not fire for a file system without a policy: any client that reaches a mount target may mount", async () => {
    expect(d.check(await evidenceOf(world().withEfs({ iam: true, taskRoleGrants: [] }))).status).toBe("pass");
    expect(d.check(await evidenceOf(world().withEfs()))).toEqual({ status: "pass", title: undefined });
  });

  it("fires when the policy requires encryption in transit and the volume has it off", async () => {
    const w = world().withEfs({ transitEncryption: false }).withFileSystemPolicy(policy(EVERYONE, REQUIRE_TLS)).failingWith(EFS_MESSAGES.accessDenied);
    expect((await rankedIds(w))[0]).toBe("efs-access-denied");
    const r = d.check(await evidenceOf(w));
    expect(r.status).toBe("fail");
    if (r.status !== "fail") return;
    expect(r.findings[0].title).toBe("File system fs-0data's policy requires encryption in transit, and volume data (fs-0data) has transitEncryption DISABLED");
    expect(r.findings[0].fixes[0].commands?.[0]).toContain('set volumes[name=data].efsVolumeConfiguration.transitEncryption to "ENABLED"');
    // The near miss: the same policy, transit encryption on.
    expect(d.check(await evidenceOf(world().withEfs({ transitEncryption: true }).withFileSystemPolicy(policy(EVERYONE, REQUIRE_TLS)))).status).toBe("pass");
  });

  it("fires when IAM authorization is off and the policy grants only IAM principals", async () => {
    const w = world().withEfs().withFileSystemPolicy(policy(ACCOUNT_ONLY)).failingWith(EFS_MESSAGES.accessDenied);
    expect((await rankedIds(w))[0]).toBe("efs-access-denied");
    const r = d.check(await evidenceOf(w));
    expect(r.status === "fail" && r.findings[0].title).toBe("File system fs-0data's policy grants only IAM principals, and volume data (fs-0data) mounts without IAM authorization");
    expect(d.check(await evidenceOf(world().withEfs().withFileSystemPolicy(policy(EVERYONE)))).status).toBe("pass");
  });

  it("warns when only ClientWrite is missing for a read-write mount, and passes a read-only one", async () => {
    const w = world().withEfs({ iam: true, taskRoleGrants: ["elasticfilesystem:ClientMount"] }).withFileSystemPolicy(policy(ACCOUNT_ONLY));
    const r = d.check(await evidenceOf(w));
    expect(r.status === "fail" && [r.findings[0].severity, r.findings[0].title]).toEqual(["warning", "The task role webTaskRole may not write to fs-0data (elasticfilesystem:ClientWrite)"]);
    const ro = world().withEfs({ iam: true, readOnly: true, taskRoleGrants: ["elasticfilesystem:ClientMount"] }).withFileSystemPolicy(policy(ACCOUNT_ONLY));
    expect(d.check(await evidenceOf(ro)).status).toBe("pass");
  });

  it("is skipped when the file system policy could not be read", async () => {
    const w = world().withEfs().mutate((s) => {
      delete s.efs!.FileSystemPolicies;
      s.errors = [{ call: "elasticfilesystem:DescribeFileSystemPolicy", code: "AccessDeniedException", message: "not authorized" }];
    });
    expect(d.check(await evidenceOf(w)).status).toBe("skip");
  });

  it("stands on a message that shows the refusal when the policy could not be read, naming what was not read", async () => {
    const w = world().withEfs().failingWith(EFS_MESSAGES.accessDenied).mutate((s) => {
      delete s.efs!.FileSystemPolicies;
      s.errors = [{ call: "elasticfilesystem:DescribeFileSystemPolicy", code: "AccessDeniedException", message: "not authorized" }];
    });
    const result = d.check(await evidenceOf(w));
    expect(result.status).toBe("fail");
    const [f] = result.status === "fail" ? result.findings : [];
    expect(f).toMatchObject({ severity: "error", certainty: "message" });
    expect(f.evidence.map((x) => x.fact).join("\n")).toContain("elasticfilesystem:DescribeFileSystemPolicy");
    expect((await rankedIds(w))[0]).toBe("efs-access-denied");
  });
});
