import { atlasIndexSchema, latentAt, nearestItem, type AtlasIndex } from '../lib/atlas.ts';
import { paint, type BrowserModel } from '../lib/browser-model.ts';
import { loadSelectedModel } from '../lib/model-select.ts';
import { element, sayError } from '../lib/page-elements.ts';
import { siteBase } from '../lib/site-base.ts';

const WALK_FRAMES = 10;
const SIDE = 512;
const select = document.querySelector<HTMLSelectElement>('[data-model-select]');
const map = document.querySelector<HTMLCanvasElement>('#map-canvas');

interface MapState {
  model: BrowserModel;
  atlas: AtlasIndex;
  sheet: ImageBitmap;
  cursor: [number, number];
}
let state: MapState | undefined;

/** Map coordinates -> canvas pixels: the thumbnail sheet spans the atlas bounds, high y at the top. */
function toCanvas({ atlas }: MapState, [x, y]: readonly [number, number]): [number, number] {
  const { x: bx, y: by } = atlas.bounds;
  return [((x - bx[0]) / (bx[1] - bx[0])) * SIDE, (1 - (y - by[0]) / (by[1] - by[0])) * SIDE];
}

function fromCanvas({ atlas }: MapState, cx: number, cy: number): [number, number] {
  const { x: bx, y: by } = atlas.bounds;
  return [bx[0] + (cx / SIDE) * (bx[1] - bx[0]), by[0] + (1 - cy / SIDE) * (by[1] - by[0])];
}

function drawMap(s: MapState, path: [number, number][] = []): void {
  const context = map!.getContext('2d')!;
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, SIDE, SIDE);
  context.imageSmoothingEnabled = false;
  context.drawImage(s.sheet, 0, 0, SIDE, SIDE);
  if (path.length > 1) {
    context.strokeStyle = '#f4a261';
    context.lineWidth = 3;
    context.beginPath();
    path.forEach((p, i) => (i ? context.lineTo(...toCanvas(s, p)) : context.moveTo(...toCanvas(s, p))));
    context.stroke();
  }
  const [cx, cy] = toCanvas(s, s.cursor);
  context.lineWidth = 2;
  context.strokeStyle = '#f4a261';
  context.strokeRect(cx - 7, cy - 7, 14, 14);
}

function showNearest(s: MapState): void {
  const k = nearestItem(s.atlas, s.cursor);
  if (k < 0) return;
  const { thumbnail } = s.atlas;
  const { column, row, id, label } = s.atlas.items[k];
  element('#map-thumb-caption').textContent = `Training code ${id ?? k + 1}${label === undefined ? '' : `, labelled ${label}`}, decoded`;
  const thumb = element<HTMLCanvasElement>('#map-thumb');
  thumb.width = thumbnail;
  thumb.height = thumbnail;
  thumb.getContext('2d')!.drawImage(s.sheet, column * thumbnail, row * thumbnail, thumbnail, thumbnail, 0, 0, thumbnail, thumbnail);
}

/** What the map holds: how its codes were drawn, and which classes it shows (the browser test reads this). */
function describeMap(atlas: AtlasIndex): void {
  const labels = [...new Set(atlas.items.map((item) => item.label).filter((l) => l !== undefined))].sort();
  const sample = atlas.sample ? `${atlas.items.length} cells from a ${atlas.sample.kind} sample of ${atlas.sample.size.toLocaleString('en')} of the ${atlas.sample.of.toLocaleString('en')} training codes` : `${atlas.items.length} cells`;
  const summary = element('#map-summary');
  summary.textContent = labels.length ? `${sample}; classes on the map: ${labels.join(' ')}.` : `${sample}.`;
  summary.dataset.labels = labels.join(',');
}

async function decodeAt(s: MapState): Promise<void> {
  const [image] = await s.model.decode([latentAt(s.atlas, s.cursor)]);
  paint(element<HTMLCanvasElement>('#map-decoded'), image);
}

/** Resamples the drawn path at equal steps of arc length and decodes each step. */
async function walk(s: MapState, path: [number, number][]): Promise<void> {
  const lengths = [0];
  for (let i = 1; i < path.length; i++) lengths.push(lengths[i - 1] + Math.hypot(path[i][0] - path[i - 1][0], path[i][1] - path[i - 1][1]));
  const total = lengths.at(-1)!;
  const points = Array.from({ length: WALK_FRAMES }, (_, k) => {
    const target = (total * k) / (WALK_FRAMES - 1);
    const i = Math.max(1, lengths.findIndex((l) => l >= target));
    const f = (target - lengths[i - 1]) / (lengths[i] - lengths[i - 1] || 1);
    return [path[i - 1][0] + f * (path[i][0] - path[i - 1][0]), path[i - 1][1] + f * (path[i][1] - path[i - 1][1])] as [number, number];
  });
  const images = await s.model.decode(points.map((p) => latentAt(s.atlas, p)));
  element('#map-walk').replaceChildren(
    ...images.map((image, k) => {
      const canvas = document.createElement('canvas');
      canvas.className = 'view';
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', `Step ${k + 1} of ${images.length} along the path`);
      paint(canvas, image);
      return canvas;
    }),
  );
}

async function loadAtlas(model: BrowserModel): Promise<void> {
  const { files } = model.manifest;
  if (!files.atlas || !files.atlasIndex) throw new Error(`the ${model.manifest.id} model ships no latent map`);
  const folder = new URL(`models/${model.manifest.id}/`, siteBase());
  const atlas = atlasIndexSchema.parse(await (await fetch(new URL(files.atlasIndex.path, folder))).json());
  if (atlas.projection.mean.length !== model.manifest.latent.dim) throw new Error('the latent map does not match the model (code sizes differ)');
  const sheet = await createImageBitmap(await (await fetch(new URL(files.atlas.path, folder))).blob());
  const { x, y } = atlas.bounds;
  state = { model, atlas, sheet, cursor: [(x[0] + x[1]) / 2, (y[0] + y[1]) / 2] };
  describeMap(atlas);
  drawMap(state);
  showNearest(state);
  await decodeAt(state);
}

if (map && select) {
  const status = element('[data-status]');
  let path: [number, number][] = [];
  const pointerPoint = (event: PointerEvent): [number, number] => {
    const rect = map.getBoundingClientRect();
    return fromCanvas(state!, ((event.clientX - rect.left) / rect.width) * SIDE, ((event.clientY - rect.top) / rect.height) * SIDE);
  };
  map.addEventListener('pointermove', (event) => {
    if (!state) return;
    state.cursor = pointerPoint(event);
    if (map.hasPointerCapture(event.pointerId)) path.push(state.cursor);
    drawMap(state, path);
    showNearest(state);
  });
  map.addEventListener('pointerdown', (event) => {
    if (!state) return;
    map.setPointerCapture(event.pointerId);
    path = [pointerPoint(event)];
  });
  map.addEventListener('pointerup', () => {
    if (!state) return;
    const drawn = path;
    path = [];
    if (drawn.length > 3) void walk(state, drawn).catch((error) => sayError(status, error));
    void decodeAt(state);
  });
  map.addEventListener('keydown', (event) => {
    if (!state) return;
    const { x, y } = state.atlas.bounds;
    const step: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
    if (event.key in step) {
      event.preventDefault();
      const [dx, dy] = step[event.key];
      state.cursor = [state.cursor[0] + (dx * (x[1] - x[0])) / 40, state.cursor[1] + (dy * (y[1] - y[0])) / 40];
      drawMap(state);
      showNearest(state);
    } else if (event.key === 'Enter') {
      void decodeAt(state);
    }
  });
  loadSelectedModel(select, element<HTMLProgressElement>('[data-model-progress]'), status, (model) => {
    loadAtlas(model).catch((error) => sayError(status, error));
  });
}
