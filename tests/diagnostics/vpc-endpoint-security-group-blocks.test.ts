import { describe, expect, it } from "vitest";
import d from "../../diagnostics/vpc-endpoint-security-group-blocks.js";
import { evidenceOf, rankedIds, world } from "../fixtures/world.js";

const endpoints = () => world().privateWithEndpoints("ecr.api", "ecr.dkr", "s3");
const https = (peer: object) => [{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, ...peer }];

describe("vpc-endpoint-security-group-blocks", () => {
  it("fires when the endpoints' group admits only a CIDR that misses the task, once for the shared group", async () => {
    const w = endpoints().withIngress(https({ IpRanges: [{ CidrIp: "10.0.9.0/24" }] }));
    expect((await rankedIds(w))[0]).toBe("vpc-endpoint-security-group-blocks");
    const r = d.check(await evidenceOf(w));
    expect(r.status).toBe("fail");
    if (r.status !== "fail") return;
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0].evidence.map((e) => e.resource)).toEqual(expect.arrayContaining(["vpce-0ecrapi", "vpce-0ecrdkr", "sg-0vpce"]));
    expect(r.findings[0].fixes[0].commands).toEqual([
      `aws ec2 authorize-security-group-ingress --region us-east-1 --group-id sg-0vpce --ip-permissions 'IpProtocol=tcp,FromPort=443,ToPort=443,UserIdGroupPairs=[{GroupId=sg-0task,Description="tasks pulling images (HTTPS)"}]'`,
    ]);
  });

  it("fires when the group admits the task's subnet on another port only", async () => {
    const w = endpoints().withIngress([{ IpProtocol: "tcp", FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: "10.0.0.0/16" }] }]);
    expect(d.check(await evidenceOf(w)).status).toBe("fail");
  });

  it("does not fire when the group admits the task by CIDR, by its security group, or by a prefix list that holds its address", async () => {
    expect(d.check(await evidenceOf(endpoints())).status).toBe("pass");
    expect(d.check(await evidenceOf(endpoints().withIngress(https({ UserIdGroupPairs: [{ GroupId: "sg-0task" }] })))).status).toBe("pass");
    const pl = endpoints().withIngress(https({ PrefixListIds: [{ PrefixListId: "pl-0corp" }] })).mutate((s) => {
      s.ec2!.ManagedPrefixLists!.push({ PrefixListId: "pl-0corp", PrefixListName: "corp", Entries: [{ Cidr: "10.0.1.0/24" }] });
    });
    expect(d.check(await evidenceOf(pl)).status).toBe("pass");
  });

  it("does not apply to a NAT path", async () => {
    expect(d.check(await evidenceOf(world())).status).toBe("n/a");
  });

  it("is skipped when the endpoints' group could not be read", async () => {
    const w = endpoints().withIngress(https({ IpRanges: [{ CidrIp: "10.0.9.0/24" }] })).mutate((s) => {
      s.ec2!.SecurityGroups = s.ec2!.SecurityGroups!.filter((g) => g.GroupId !== "sg-0vpce");
    });
    expect(d.check(await evidenceOf(w)).status).toBe("skip");
  });
});
