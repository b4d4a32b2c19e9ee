// `npm run package:lambda`: the Lambda handler (src/lambda.ts) bundled with
// esbuild into one file, index.mjs (handler `index.handler`, Node 20 runtime),
// zipped for deploy/ecs-doctor.yaml's CodeBucket/CodeKey.
//   node scripts/package-lambda.mjs [--out DIR]   (default DIR: dist/)
// writes DIR/lambda/index.mjs and DIR/ecs-doctor-lambda.zip.
import { build } from "esbuild";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { crc32, deflateRawSync } from "node:zlib";

const root = new URL("../", import.meta.url).pathname;
const outIndex = process.argv.indexOf("--out");
const out = resolve(outIndex > 0 ? process.argv[outIndex + 1] : join(root, "dist"));
const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

mkdirSync(join(out, "lambda"), { recursive: true });
const bundle = join(out, "lambda", "index.mjs");
await build({
  entryPoints: [join(root, "src/lambda.ts")],
  outfile: bundle,
  bundle: true,
  platform: "node",
  format: "esm",
  // The template's runtime (deploy/ecs-doctor.yaml).
  target: "node22",
  mainFields: ["module", "main"],
  minify: true,
  legalComments: "linked",
  logLevel: "warning",
  define: { __VERSION__: JSON.stringify(version) },
  banner: {
    js: "import { createRequire as __ecsDoctorCreateRequire } from 'node:module'; const require = __ecsDoctorCreateRequire(import.meta.url);",
  },
});

/** A zip archive of the given files (deflated), as the Lambda service reads it. */
function zip(files) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  // 1980-01-01 00:00: a fixed time, so the same code gives the same zip.
  const time = 0;
  const date = (0 << 9) | (1 << 5) | 1;
  for (const { name, data } of files) {
    const nameBytes = Buffer.from(name, "utf8");
    const packed = deflateRawSync(data, { level: 9 });
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8);
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made on Unix, so the mode below is read
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(time, 12);
    central.writeUInt16LE(date, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, packed);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + packed.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const files = [{ name: "index.mjs", data: readFileSync(bundle) }];
try {
  files.push({ name: "index.mjs.LEGAL.txt", data: readFileSync(`${bundle.replace(/\.mjs$/, "")}.mjs.LEGAL.txt`) });
} catch {
  // no third-party licence comments to carry
}
const archive = join(out, "ecs-doctor-lambda.zip");
writeFileSync(archive, zip(files));
process.stdout.write(`${archive} (${(readFileSync(archive).length / 1e6).toFixed(1)} MB): handler index.handler, runtime nodejs22.x\n`);
