import { describe, expect, it } from "vitest";
import check from "../../diagnostics/registry-credentials-missing.js";
import { commandsOf, findingsOf } from "../fixtures/findings.js";
import { CREDS_ARN, GHCR_IMAGE, MSG } from "../fixtures/registry-messages.js";
import { diagnoseSnapshot, evidenceOf, MESSAGES, rankedIds, TASK_DEF_ARN, world } from "../fixtures/world.js";

const ID = "registry-credentials-missing";
const readCreds = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: CREDS_ARN }] };

describe(ID, () => {
  it("fires for a private GHCR image without repositoryCredentials, first in the ranking", async () => {
    const w = world().withImage(GHCR_IMAGE).failingWith(MSG.ghcrUnauthorized);
    const [f] = findingsOf(check.check(await evidenceOf(w)));
    expect(f.severity).toBe("error");
    expect(f.evidence.map((x) => x.resource)).toContain(TASK_DEF_ARN);
    expect(commandsOf(f)).toContain("aws secretsmanager create-secret --region us-east-1 --name registry/ghcr");
    expect(commandsOf(f)).toContain("--role-name ecsTaskExecutionRole");
    expect((await rankedIds(w))[0]).toBe(ID);
  });

  it("does not fire for the GHCR image with readable repositoryCredentials", async () => {
    const w = world().withImage(GHCR_IMAGE).withRepositoryCredentials().withInlinePolicy(readCreds).failingWith(MSG.ghcrUnauthorized);
    expect(check.check(await evidenceOf(w)).status).toBe("pass");
    const { report } = await diagnoseSnapshot(w.build());
    expect(report.findings.map((f) => f.id)).not.toContain(ID);
    expect(report.findings.map((f) => f.id)).not.toContain("registry-credentials-unreadable");
  });

  it("fires for a private Docker Hub repository, as likely", async () => {
    const [f] = findingsOf(check.check(await evidenceOf(world().withImage("acme/private:1").failingWith(MSG.pullAccessDenied("docker.io/acme/private:1")))));
    expect(f.certainty).toBe("likely");
  });

  it("fires with less certainty for an official library/ image, which is public (a misspelt name is likelier)", async () => {
    const w = world().withImage("ngnix:latest").failingWith(MSG.pullAccessDenied("docker.io/library/ngnix:latest"));
    const [f] = findingsOf(check.check(await evidenceOf(w)));
    expect(f.certainty).toBe("possible");
    expect(f.fixes[0].summary).toContain("https://hub.docker.com/_/ngnix");
    const { report } = await diagnoseSnapshot(w.build());
    const official = report.findings.find((x) => x.id === ID)!;
    const { report: privateReport } = await diagnoseSnapshot(world().withImage("acme/private:1").failingWith(MSG.pullAccessDenied("docker.io/acme/private:1")).build());
    expect(official.confidence).toBeLessThan(privateReport.findings.find((x) => x.id === ID)!.confidence);
  });

  it("does not fire when the registry did not refuse (a public image that timed out)", async () => {
    expect(check.check(await evidenceOf(world().withImage("nginx:1.27").failingWith(MESSAGES.timeout))).status).toBe("pass");
  });

  it("does not apply to ECR images", async () => {
    expect(check.check(await evidenceOf(world().failingWith(MESSAGES.accessDenied))).status).toBe("n/a");
  });
});
