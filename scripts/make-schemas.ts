// Rewrites schemas/ecs-doctor-snapshot.schema.json from the table the CLI
// validates snapshots with. Run: npm run schemas
import { writeFileSync } from "node:fs";
import { snapshotJsonSchema } from "./snapshot-json-schema.js";

writeFileSync("schemas/ecs-doctor-snapshot.schema.json", `${JSON.stringify(snapshotJsonSchema(), null, 2)}\n`);
console.log("wrote schemas/ecs-doctor-snapshot.schema.json");
