// Writes the bundled demo scenarios (demos/*.json) from the test fixture
// builder, so the gallery and the tests describe the same worlds.
// Run: npm run demos
import { writeFileSync } from "node:fs";
import { DEMOS } from "../tests/fixtures/demos.js";

for (const d of DEMOS) {
  const snapshot = { ...d.world.build(), description: d.description };
  writeFileSync(`demos/${d.name}.json`, `${JSON.stringify(snapshot, null, 2)}\n`);
}
console.log(`wrote ${DEMOS.length} demos`);
