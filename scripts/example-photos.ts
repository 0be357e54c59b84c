/**
 * Prepares the site's example photos (site/src/lib/examples.ts) from Debian packages whose own files state each
 * photo's licence: resized to at most 640 px on the longer side, metadata stripped, JPEG q90, plus a 96 px thumbnail;
 * each must show exactly one face that our aligner finds (its aligned crop goes to .cache/examples/ for a look).
 * Writes site/public/examples/README.txt with every photo's package, path and the licence statement quoted from it.
 *
 * Usage: npx tsx scripts/example-photos.ts <dir>   where <dir>/<package>/ is `dpkg-deb -x` of each package below:
 *   cd /tmp && apt-get download python3-skimage=0.19.3-8 python-matplotlib-data=3.6.3-1
 *   for deb in *.deb; do dpkg-deb -x "$deb" "<dir>/${deb%%_*}"; done
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { decodeImage } from '#core/image/decode.ts';
import { encodePng } from '#core/image/encode.ts';
import type { AlignTarget } from '#core/align/aligner.ts';
import type { FaceBox } from '#core/align/detect.ts';
import { nodeAligner } from '../edge/testing/align-fixtures.ts';
import { EXAMPLE_PHOTOS, thumbnailOf } from '../site/src/lib/examples.ts';

const OUT_DIR = 'site/public/examples';
const LOOK_DIR = '.cache/examples';
const MAX_SIDE = 640;
const THUMB_SIDE = 96;

/** Where a statement sits in a package file: the lines from the one containing `from` through the one containing `to`. */
interface Statement { path: string; from: string; to: string }

interface DebianSource {
  file: string;
  package: string;
  version: string;
  path: string;
  shows: string;
  author: string;
  licence: string;
  statement: Statement;
  changes: string;
}

const CHANGES = `resized to at most ${MAX_SIDE} px on the longer side, metadata removed, saved as JPEG quality 90 (and a ${THUMB_SIDE} px thumbnail, thumb-*)`;

const SOURCES: readonly DebianSource[] = [
  {
    file: 'eileen-collins.jpg',
    package: 'python3-skimage',
    version: '0.19.3-8',
    path: '/usr/lib/python3/dist-packages/skimage/data/astronaut.png',
    shows: 'NASA astronaut Eileen Collins (scikit-image\'s `astronaut` sample)',
    author: 'NASA (NASA Great Images database, https://flic.kr/p/r9qvLn)',
    licence: 'public domain',
    statement: { path: '/usr/lib/python3/dist-packages/skimage/data/_fetchers.py', from: 'Color image of the astronaut Eileen Collins', to: 'released into the public domain' },
    changes: CHANGES,
  },
  {
    file: 'grace-hopper.jpg',
    package: 'python-matplotlib-data',
    version: '3.6.3-1',
    path: '/usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg',
    shows: 'Commodore Grace Hopper in U.S. Navy uniform (matplotlib\'s `grace_hopper` sample)',
    author: 'U.S. Navy portrait, distributed in matplotlib\'s sample data by the Matplotlib Development Team',
    licence: 'matplotlib licence (PSF-based; reproduction and distribution allowed with the notice kept), as the Debian package\'s copyright file states for all its files; the package names no separate licence for this photo',
    statement: { path: '/usr/share/doc/python-matplotlib-data/copyright', from: 'Files: *', to: 'Agreement.' },
    changes: CHANGES,
  },
];

function quoteStatement(root: string, statement: Statement): string {
  const lines = readFileSync(join(root, statement.path), 'utf8').split('\n');
  const start = lines.findIndex((line) => line.includes(statement.from));
  const end = lines.findIndex((line, i) => i >= start && line.includes(statement.to));
  if (start < 0 || end < 0) throw new Error(`${statement.path} no longer holds the statement "${statement.from}" … "${statement.to}"`);
  return lines.slice(start, end + 1).map((line) => `> ${line.trim().replace(/^"""/, '')}`.trimEnd()).join('\n');
}

/** A square around the face, so the face fills a thumbnail only 96 px wide. */
function thumbnailSquare(box: FaceBox, image: { width: number; height: number }): { left: number; top: number; width: number; height: number } {
  const side = Math.round(Math.min(image.width, image.height, 2 * Math.max(box.width, box.height)));
  const clamp = (value: number, room: number) => Math.round(Math.min(Math.max(value, 0), room - side));
  const left = clamp(box.left + box.width / 2 - side / 2, image.width);
  const top = clamp(box.top + box.height / 2 - side / 2, image.height);
  return { left, top, width: side, height: side };
}

async function preparePhoto(source: DebianSource, root: string, target: AlignTarget): Promise<string> {
  const original = readFileSync(join(root, source.package, source.path));
  // sharp writes no metadata unless asked (withMetadata), so EXIF, XMP and ICC are gone from the output.
  const photo = await sharp(original).rotate().resize(MAX_SIDE, MAX_SIDE, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 90 }).toBuffer();
  const image = decodeImage(new Uint8Array(photo));
  const alignment = await nodeAligner().align(image, target);
  if (alignment.faceCount !== 1) throw new Error(`${source.file}: the aligner finds ${alignment.faceCount} faces; an example must show one`);
  const thumb = await sharp(photo).extract(thumbnailSquare(alignment.box, image)).resize(THUMB_SIDE, THUMB_SIDE).jpeg({ quality: 85 }).toBuffer();
  writeFileSync(join(OUT_DIR, source.file), photo);
  writeFileSync(join(OUT_DIR, thumbnailOf({ file: source.file, alt: '', credit: '' })), thumb);
  writeFileSync(join(LOOK_DIR, source.file.replace(/\.jpg$/, '-aligned.png')), encodePng(alignment.image));
  const { width, height } = await sharp(photo).metadata();
  const box = alignment.box;
  return `${source.file}: ${width}×${height}, ${photo.length} bytes, one face, box ${Math.round(box.width)}×${Math.round(box.height)} px at score ${box.score.toFixed(2)}`;
}

function readme(root: string): string {
  const sections = SOURCES.map((s) => [
    `## ${s.file}`,
    '',
    `- Shows: ${s.shows}`,
    `- Author: ${s.author}`,
    `- Licence: ${s.licence}`,
    `- Source: Debian 12 package \`${s.package}\` ${s.version}, \`${s.path}\``,
    `- Changes: ${s.changes}`,
    `- Statement, quoted from \`${s.statement.path}\` in that package:`,
    '',
    quoteStatement(join(root, s.package), s.statement),
  ].join('\n'));
  return [
    '# Example photos',
    '',
    'The photos under the image pickers of /morph/ and /attributes/ (site/src/lib/examples.ts). None is from CelebA.',
    'Each comes from a Debian package whose own files state its licence; `npx tsx scripts/example-photos.ts` made',
    'these files and this page from them.',
    '',
    ...sections.flatMap((s) => [s, '']),
  ].join('\n');
}

async function main(): Promise<void> {
  const root = process.argv[2];
  if (!root) throw new Error('usage: npx tsx scripts/example-photos.ts <dir with dpkg-deb -x of each package>');
  const listed = EXAMPLE_PHOTOS.map((p) => p.file).sort().join(', ');
  const sourced = SOURCES.map((s) => s.file).sort().join(', ');
  if (listed !== sourced) throw new Error(`examples.ts lists ${listed} but this script has sources for ${sourced}`);
  const manifest = JSON.parse(readFileSync('models/faces/manifest.json', 'utf8')) as { input: AlignTarget };
  mkdirSync(OUT_DIR, { recursive: true });
  mkdirSync(LOOK_DIR, { recursive: true });
  for (const source of SOURCES) console.log(await preparePhoto(source, root, manifest.input));
  writeFileSync(join(OUT_DIR, 'README.txt'), readme(root));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
