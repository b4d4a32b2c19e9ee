// ecs-doctor-history/1 follows its published JSON Schema
// (schemas/ecs-doctor-history.schema.json), checked with Ajv like the other
// formats (tests/fixtures/schemas.ts): the history of a real archive, of an
// empty window, of unreadable reports, and the example docs/history-format.md shows.
import { readFileSync } from "node:fs";
import { S3Client } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, describe, expect, it } from "vitest";
import { readHistory } from "../../src/archive/history.js";
import { diagnoseTask } from "../../src/diagnose.js";
import { s3Reader } from "../../src/source/s3.js";
import { loadSnapshot, SnapshotSource } from "../../src/source/snapshot.js";
import { fillArchive, s3StandIn } from "../fixtures/s3-stand-in.js";
import { schemaProblems } from "../fixtures/schemas.js";

const problems = (value: unknown) => schemaProblems("ecs-doctor-history/1", value);

const s3 = mockClient(S3Client);
afterAll(() => s3.restore());
const NOW = Date.parse("2026-11-30T12:00:00Z");

async function report(demo: string) {
  const source = new SnapshotSource(await loadSnapshot(`demos/${demo}.json`));
  return (await diagnoseTask(source, { task: source.snapshot.ecs!.tasks![0].taskArn! })).report;
}

describe("ecs-doctor-history/1 against its schema", () => {
  it("an archive of 60 failures, 3 causes, one with a folder missing its snapshot", async () => {
    const bucket = s3StandIn(s3, "ecs-doctor-archive");
    fillArchive(bucket, 60, [await report("private-subnet-no-route"), await report("tag-never-pushed"), await report("execution-role-trusts-ec2")], { now: NOW, days: 5 });
    bucket.objects.delete([...bucket.objects.keys()].find((k) => k.endsWith("snapshot.json"))!);
    const h = await readHistory(await s3Reader({ client: new S3Client({ region: "us-east-1" }) }), { bucket: "ecs-doctor-archive", now: NOW });
    expect(h.groups).toHaveLength(3);
    expect(h.archived.filter((f) => f.snapshot === null)).toHaveLength(1);
    expect(problems(h)).toEqual([]);
  });

  it("an empty window, and reports that could not be read", async () => {
    const bucket = s3StandIn(s3, "ecs-doctor-archive");
    const reader = await s3Reader({ client: new S3Client({ region: "us-east-1" }) });
    expect(problems(await readHistory(reader, { bucket: "ecs-doctor-archive", cluster: "prod", service: "web", now: NOW }))).toEqual([]);
    fillArchive(bucket, 4, [await report("tag-never-pushed")], { now: NOW, days: 1 });
    bucket.failGet = "AccessDenied";
    const h = await readHistory(reader, { bucket: "ecs-doctor-archive", now: NOW });
    expect(h.groups[0]).toMatchObject({ title: null, severity: null, fixes: [] });
    expect(problems(h)).toEqual([]);
  });

  it("the example in docs/history-format.md", () => {
    const doc = readFileSync("docs/history-format.md", "utf8");
    const example = JSON.parse(/## Example\n\n```json\n([\s\S]*?)```/.exec(doc)![1]);
    expect(problems(example)).toEqual([]);
  });

  it("rejects what the format does not say: a group without count, an unknown field", async () => {
    const bucket = s3StandIn(s3, "ecs-doctor-archive");
    fillArchive(bucket, 2, [await report("tag-never-pushed")], { now: NOW, days: 1 });
    const h = await readHistory(await s3Reader({ client: new S3Client({ region: "us-east-1" }) }), { bucket: "ecs-doctor-archive", now: NOW });
    const { count: _c, ...countless } = h.groups[0];
    expect(problems({ ...h, groups: [countless] })).toEqual([expect.stringMatching(/^\/groups\/0 must have required property 'count'/)]);
    expect(problems({ ...h, extra: 1 })).toEqual([expect.stringMatching(/^\/ must NOT have additional properties/)]);
  });
});
