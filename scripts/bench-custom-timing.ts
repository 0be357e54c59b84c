import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startNodeServer } from '../edge/node/server.ts';
import { heldOutFaces } from '../train/testing/celeba-held-out.ts';

/**
 * How long `POST /v1/models/faces/attributes/custom` takes for `--examples` + `--examples` photos on the Node server
 * (multipart upload, decode, face alignment, encoding, the vector and its token), over HTTP on this machine:
 *   npx tsx scripts/bench-custom-timing.ts [--examples 16] [--runs 7] [--attribute Smiling]
 * The photos are held-out CelebA faces (the faces model's validation split), read in place.
 */
const { values } = parseArgs({ options: { examples: { type: 'string', default: '16' }, runs: { type: 'string', default: '7' }, attribute: { type: 'string', default: 'Smiling' } } });
const examples = Number(values.examples);
const runs = Number(values.runs);
if (!Number.isInteger(examples) || examples < 2 || examples > 64 || !Number.isInteger(runs) || runs < 1 || runs > 50) throw new Error('--examples must be 2..64 and --runs 1..50');
const { positives, negatives } = heldOutFaces(values.attribute!);
const photos = (files: string[]) => files.slice(0, examples).map((file) => new Blob([readFileSync(file)], { type: 'image/jpeg' }));
const [withIt, without] = [photos(positives), photos(negatives)];

const server = await startNodeServer({ port: 0, hostname: '127.0.0.1', modelsDir: 'models' });
try {
  const times: number[] = [];
  for (let run = 0; run <= runs; run++) {
    const form = new FormData();
    withIt.forEach((photo, i) => form.append('positive', photo, `with-${i}.jpg`));
    without.forEach((photo, i) => form.append('negative', photo, `without-${i}.jpg`));
    const start = performance.now();
    const response = await fetch(`http://127.0.0.1:${server.port}/v1/models/faces/attributes/custom`, { method: 'POST', body: form });
    if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
    await response.json();
    if (run > 0) times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({ attribute: values.attribute, examples: `${examples} + ${examples}`, runs, medianMs: Math.round(times[Math.floor(times.length / 2)]), minMs: Math.round(times[0]), maxMs: Math.round(times.at(-1)!) }));
} finally {
  await server.close();
}
