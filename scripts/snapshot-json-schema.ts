// The published JSON Schema of ecs-doctor-snapshot/1, written from the table the
// CLI validates snapshots with (src/source/snapshot-schema.ts), so the two never
// drift: `npm run schemas` rewrites schemas/ecs-doctor-snapshot.schema.json, and
// tests/schemas.test.ts fails when the file is not what this writes.
import { SNAPSHOT_COLLECTIONS, type SnapshotShape } from "../src/source/snapshot-schema.js";

type JsonSchema = Record<string, unknown>;

// Some tools print unset fields as null; the reader treats a null field as absent.
const orNull = (s: JsonSchema): JsonSchema => ({ anyOf: [s, { type: "null" }] });

function leaf(shape: SnapshotShape): JsonSchema {
  if (typeof shape === "string") {
    switch (shape) {
      case "any":
        return {};
      case "stringOrDate":
        return { anyOf: [{ type: "string" }, { type: "number" }], description: "a date: an ISO 8601 string, or epoch milliseconds" };
      case "statements":
        return { anyOf: [{ type: "object" }, { type: "array", items: { type: "object" } }] };
      default:
        return { type: shape };
    }
  }
  if ("array" in shape) return { type: "array", items: leaf(shape.array) };
  if ("record" in shape) return { type: "object", additionalProperties: leaf(shape.record) };
  // Items keep fields the format does not list: "unknown fields are kept and ignored".
  const properties = Object.fromEntries(Object.entries(shape.object).map(([k, s]) => [k, orNull(leaf(s))]));
  return { type: "object", properties };
}

export function snapshotJsonSchema(): JsonSchema {
  const services = Object.fromEntries(
    Object.entries(SNAPSHOT_COLLECTIONS).map(([service, fields]) => [
      service,
      orNull({
        type: "object",
        // A collection name the format does not define is a mistake in the file (`RouteTabels`).
        additionalProperties: false,
        properties: Object.fromEntries(Object.entries(fields).map(([k, item]) => [k, orNull({ type: "array", items: leaf(item) })])),
      }),
    ]),
  );
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: "ecs-doctor-snapshot.schema.json",
    title: "ecs-doctor-snapshot/1",
    description:
      "The slice of an AWS account a diagnosis needs, as the AWS APIs return it (docs/snapshot-format.md). Written by scripts/snapshot-json-schema.ts from src/source/snapshot-schema.ts: do not edit by hand, run `npm run schemas`.",
    type: "object",
    required: ["format", "region", "accountId"],
    additionalProperties: false,
    properties: {
      format: { const: "ecs-doctor-snapshot/1" },
      region: { type: "string", pattern: "^[a-z]{2}(-[a-z]+)+-\\d+$" },
      accountId: { type: "string" },
      capturedAt: orNull({ type: "string" }),
      description: orNull({ type: "string" }),
      ...services,
      errors: {
        type: "array",
        items: {
          type: "object",
          required: ["call"],
          properties: {
            call: { type: "string", description: 'the IAM action of the call, such as "ec2:DescribeVpcEndpoints"' },
            code: orNull({ type: "string" }),
            message: orNull({ type: "string" }),
            resource: orNull({ type: "string" }),
          },
        },
      },
    },
  };
}
