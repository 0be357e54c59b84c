/**
 * Calibrates a shipped face model's suggested strengths for detail=keep without retraining (issue 10): each attribute
 * the trainer judged is edited as the API's detail=keep returns it (the image plus Dec(z′) − Dec(z)), the strength is
 * chosen on training images by the trainer's own rule (train/judge/edits.ts) and measured on the validation split.
 * Writes, additively: attributes.json `keep.suggestedRange`, report.json `attributesKeep`, a section of report.html
 * (rendered by the trainer's own renderer), and the manifest's sha256/bytes of the three files.
 *
 *   npm run calibrate:keep -- [--config train/configs/faces.json] [--model models/faces] [--cache .cache/datasets]
 *                             [--set Smiling=4,Male=4,Young=10]
 *
 * --set fixes named attributes' keep strengths instead of the project judge's choice (still measured by it on the
 * validation split): the project's judge is lenient, and the strengths an independent judge needs are chosen on
 * training-split photos with `npm run bench:photo-quality -- --split train` (docs/benchmarks.md, "Your own photo back").
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseAttributes, parseManifest } from '#core/manifest.ts';
import { loadConfig } from '../train/cli/config.ts';
import { loadTrainingData } from '../train/cli/data.ts';
import { predictWithGraph } from '../train/judge/classifier.ts';
import { calibrationImages, checkEdit, editResult } from '../train/judge/edits.ts';
import { OnnxCodec } from '../train/report/codec.ts';
import { attributeEditsSection } from '../train/report/html.ts';
import type { AttributeEditResult, Report } from '../train/report/report.ts';

const KEEP_SECTION = 'Attribute edits with detail kept';
const round = (v: number, digits: number) => Number(v.toFixed(digits));

/** `Name=4,Other=2.5` → { Name: 4, Other: 2.5 }: positive strengths within the API's limit. */
function parseFixedStrengths(text: string): Record<string, number> {
  if (!text) return {};
  return Object.fromEntries(
    text.split(',').map((pair) => {
      const [name, value] = pair.split('=');
      const strength = Number(value);
      if (!name || !(strength > 0 && strength <= 10)) throw new Error(`--set: "${pair}" must be NAME=STRENGTH with 0 < STRENGTH ≤ 10`);
      return [name.trim(), strength];
    }),
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { config: { type: 'string', default: 'train/configs/faces.json' }, model: { type: 'string' }, cache: { type: 'string', default: '.cache/datasets' }, set: { type: 'string', default: '' } },
  });
  const fixed = parseFixedStrengths(values.set);
  const config = loadConfig(values.config);
  const modelDir = resolve(values.model ?? config.output);
  const read = (path: string) => readFileSync(join(modelDir, path));
  const manifest = parseManifest(JSON.parse(read('manifest.json').toString('utf8')), 'manifest.json');
  if (!manifest.input.face) throw new Error(`${modelDir} is no face model (manifest input.face): detail=keep does not apply`);
  const judgeAttributes = typeof manifest.metrics.judgeAttributes === 'string' ? manifest.metrics.judgeAttributes.split(',') : undefined;
  if (!manifest.files.judge || !judgeAttributes || !manifest.files.report || !manifest.files.reportHtml) throw new Error(`${modelDir}: needs judge.onnx, metrics.judgeAttributes, report.json and report.html`);
  const attributesFile = parseAttributes(JSON.parse(read(manifest.files.attributes.path).toString('utf8')), manifest);
  const report = JSON.parse(read(manifest.files.report.path).toString('utf8')) as Report;

  const { split } = await loadTrainingData(config, resolve(values.cache), undefined, (line) => console.log(line));
  const { train, validation } = split;
  const shape = train.shape as [number, number, number];
  const codec = await OnnxCodec.open(new Uint8Array(read(manifest.files.encoder.path)), new Uint8Array(read(manifest.files.decoder.path)), shape, manifest.latent.dim);
  const judgeBytes = new Uint8Array(read(manifest.files.judge.path));
  const judge = (images: Float32Array, count: number) => predictWithGraph(judgeBytes, images, count, shape);
  const results: Record<string, AttributeEditResult> = {};
  try {
    const calibration = calibrationImages(train, validation.count);
    for (const attribute of Object.keys(report.attributes).filter((a) => attributesFile.attributes[a])) {
      const vector = Float32Array.from(attributesFile.attributes[attribute].vector);
      const given = fixed[attribute];
      const strengths = given === undefined ? config.edits.strengths : [...new Set([...config.edits.strengths, given])].sort((a, b) => a - b);
      const judged = await checkEdit({ codec, judge, judgeAttributes }, calibration, validation, attribute, vector, { ...config.edits, strengths, detail: 'keep' });
      const r = given === undefined ? judged : editResult({ attribute, judgedNegatives: judged.judgedNegatives, points: judged.flipRateByStrength }, given);
      results[attribute] = r;
      attributesFile.attributes[attribute].keep = { suggestedRange: [-r.strength, r.strength] };
      console.log(`${attribute}: keep strength ${r.strength} (none: ${report.attributes[attribute].strength}), flips ${(100 * r.flipRate).toFixed(1)}% of ${r.judgedNegatives}, other decisions changed ${(100 * r.otherChangeRate).toFixed(1)}%`);
    }
  } finally {
    await codec.close();
  }
  report.attributesKeep = Object.fromEntries(Object.entries(results).map(([a, r]) => [a, { ...r, flipRate: round(r.flipRate, 4), otherChangeRate: round(r.otherChangeRate, 4) }]));
  const html = read(manifest.files.reportHtml.path).toString('utf8');
  const section = attributeEditsSection(KEEP_SECTION, results, `As the API returns edits of a photo by default (<code>detail=keep</code>): the image itself plus the decoder's change Dec(z′) − Dec(z), judged against the unedited image, each attribute at a strength calibrated the same way on these outputs (scripts/calibrate-keep.ts).`);
  const withoutOld = html.replace(new RegExp(`<h2>${KEEP_SECTION}</h2>.*?</table>`, 's'), '');
  const anchor = withoutOld.indexOf('<h2>The judge</h2>');
  if (anchor < 0) throw new Error('report.html has no "The judge" section to place the keep results before');
  const outputs: Record<string, string> = {
    [manifest.files.attributes.path]: JSON.stringify(attributesFile),
    [manifest.files.report.path]: `${JSON.stringify(report, null, 2)}\n`,
    [manifest.files.reportHtml.path]: withoutOld.slice(0, anchor) + section + withoutOld.slice(anchor),
  };
  const files = { ...manifest.files } as Record<string, { path: string; sha256: string; bytes: number }>;
  for (const [path, text] of Object.entries(outputs)) {
    const bytes = Buffer.from(text, 'utf8');
    writeFileSync(join(modelDir, path), bytes);
    const key = Object.keys(files).find((k) => files[k].path === path)!;
    files[key] = { path, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length };
  }
  writeFileSync(join(modelDir, 'manifest.json'), `${JSON.stringify({ ...JSON.parse(read('manifest.json').toString('utf8')), files }, null, 2)}\n`);
  parseManifest(JSON.parse(read('manifest.json').toString('utf8')), 'manifest.json');
  console.log(`wrote ${Object.keys(outputs).join(', ')} and manifest.json in ${modelDir}`);
}

main().catch((error: unknown) => {
  console.error(`calibrate-keep: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
