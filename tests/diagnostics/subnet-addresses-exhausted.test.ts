import { describe, expect, it } from "vitest";
import check from "../../diagnostics/subnet-addresses-exhausted.js";
import { commandsOf, evidenceOfFinding, findingsOf } from "../fixtures/findings.js";
import { LOG_MSG } from "../fixtures/log-messages.js";
import { diagnoseSnapshot, evidenceOf, MESSAGES, rankedIds, world } from "../fixtures/world.js";

const ID = "subnet-addresses-exhausted";
/** As ECS leaves it: no interface was created, so the attachment carries only the subnet. */
const noInterface = (w: ReturnType<typeof world>, subnetId = "subnet-0priv") =>
  w.failingWith(LOG_MSG.noAddresses(subnetId)).mutate((s) => {
    s.ecs!.tasks![0].attachments = [{ type: "ElasticNetworkInterface", status: "DELETED", details: [{ name: "subnetId", value: subnetId }] }];
  });

describe(ID, () => {
  it("fires on the message, confirmed by AvailableIpAddressCount 0, and ranks first", async () => {
    const w = noInterface(world().withAvailableAddresses(0));
    const [f] = findingsOf(check.check(await evidenceOf(w)));
    expect(f).toMatchObject({ severity: "error", certainty: "proven" });
    expect(evidenceOfFinding(f)).toContain("subnet-0priv: AvailableIpAddressCount: 0 of 10.0.1.0/24");
    expect(f.explanation).toContain("251 usable addresses");
    const commands = commandsOf(f);
    expect(commands).toContain("aws ec2 describe-network-interfaces --region us-east-1 --filters Name=subnet-id,Values=subnet-0priv Name=status,Values=available");
    expect(commands).toContain("aws ecs update-service --region us-east-1 --cluster prod --service web --network-configuration 'awsvpcConfiguration={subnets=[subnet-0priv,NEW_SUBNET_ID],securityGroups=[sg-0task],assignPublicIp=DISABLED}'");
    expect((await rankedIds(w))[0]).toBe(ID);
  });

  it("a few free addresses now do not refute a message that names the subnet", async () => {
    const w = noInterface(world().withAvailableAddresses(3));
    const [f] = findingsOf(check.check(await evidenceOf(w)));
    expect(f).toMatchObject({ severity: "error", certainty: "message" });
    expect(f.explanation).toContain("it has 3 free now, read after the failure");
    expect((await rankedIds(w))[0]).toBe(ID);
  });

  it("reads the subnet the message names, even when it is not the service's", async () => {
    const w = noInterface(world().withSubnet("subnet-0full", { cidr: "10.0.9.0/28" }).withAvailableAddresses(0, "subnet-0full"), "subnet-0full");
    const [f] = findingsOf(check.check(await evidenceOf(w)));
    expect(f.title).toBe("Subnet subnet-0full has no free IP address for the task's network interface");
    expect(f.explanation).toContain("11 usable addresses");
  });

  it("passes when the subnet has free addresses and no message says otherwise", async () => {
    expect(check.check(await evidenceOf(world().withAvailableAddresses(200).failingWith(MESSAGES.timeout))).status).toBe("pass");
  });

  it("fires on 0 free addresses without the message (the next task will fail), below the message's cause", async () => {
    const w = world().withAvailableAddresses(0).withoutImage().failingWith(MESSAGES.manifestUnknown);
    const ids = await rankedIds(w);
    expect(ids[0]).toBe("image-not-found");
    expect(ids).toContain(ID);
  });

  it("is only a warning when the task's interface was created: this task got its address, the next may not", async () => {
    const w = world().withAvailableAddresses(0).withoutImage().failingWith(MESSAGES.manifestUnknown);
    const { report } = await diagnoseSnapshot(w.build());
    const f = report.findings.find((x) => x.id === ID);
    expect(f).toMatchObject({ severity: "warning" });
    expect(f?.title).toBe("Subnet subnet-0priv has no free IP address now: the next tasks placed there will not start");
    expect(report.findings.filter((x) => x.severity === "error").map((x) => x.id)).toEqual(["image-not-found"]);
  });

  it("is skipped when the subnet cannot be read; judges nothing without a count (a hand-written snapshot) or an interface of its own (EC2 bridge)", async () => {
    const { report } = await diagnoseSnapshot(world().withAvailableAddresses(0).denied("ec2:DescribeSubnets", ["ec2", "Subnets"]).failingWith(MESSAGES.timeout).build());
    expect(report.skipped.find((s) => s.check === ID)?.reason).toContain("ec2:DescribeSubnets");
    expect(check.check(await evidenceOf(world().failingWith(MESSAGES.timeout))).status).toBe("n/a");
    expect(check.check(await evidenceOf(world().onEc2().withAvailableAddresses(0).failingWith(MESSAGES.timeout))).status).toBe("n/a");
  });
});
