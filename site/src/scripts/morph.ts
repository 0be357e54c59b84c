import { latentFromParam, latentToParam } from '#core/permalink.ts';
import { ApiCallPanel } from '../lib/api-call-panel.ts';
import { describeError } from '../lib/describe-error.ts';
import { ImageSlot } from '../lib/image-slot.ts';
import { loadSelectedModel } from '../lib/model-select.ts';
import { MorphTool } from '../lib/morph-tool.ts';
import { element, say } from '../lib/page-elements.ts';
import { ShareLink, sharedParams } from '../lib/share-link.ts';

const select = document.querySelector<HTMLSelectElement>('[data-model-select]');
const status = element('[data-status]');
const announce = (message: string, isError = false) => say(status, message, isError);

const tool = new MorphTool({
  canvas: element<HTMLCanvasElement>('#morph-canvas'),
  slider: element<HTMLInputElement>('#morph-t'),
  sliderOut: element<HTMLOutputElement>('#morph-t-out'),
  play: element<HTMLButtonElement>('#morph-play'),
  pathRadios: Array.from(document.querySelectorAll<HTMLInputElement>('input[name="morph-path"]')),
  frames: element<HTMLInputElement>('#morph-frames'),
  framesNote: element('#morph-frames-note'),
  gif: element<HTMLButtonElement>('#morph-gif'),
  strip: element<HTMLButtonElement>('#morph-strip'),
  announce,
});

const slots = [
  new ImageSlot(element('[data-image-source="morph-a"]'), () => showEnds(), 11),
  new ImageSlot(element('[data-image-source="morph-b"]'), () => showEnds(), 23),
];

function showEnds(): void {
  tool.setEnds(slots[0].subject, slots[1].subject);
}

const apiCall = new ApiCallPanel(element('[data-api-call="morph"]'), () => tool.apiCall(location.origin), announce);
const share = new ShareLink(
  () => {
    const [a, b] = slots.map((slot) => slot.subject);
    if (!select || !a || !b) return undefined;
    const { t, path, frames } = tool.state;
    return { model: select.value, a: latentToParam(a.latent), b: latentToParam(b.latent), t: String(t), path, frames: String(frames) };
  },
  element<HTMLButtonElement>('#morph-share'),
  announce,
);
tool.onChange = () => {
  apiCall.refresh();
  share.update();
};

/** The codes of a share link for this model (undefined ends use the slots' samples), or the reason they cannot be read. */
async function restoreShared(dim: number): Promise<void> {
  const path = sharedParams.get('path');
  tool.restore({
    t: sharedParams.has('t') ? Number(sharedParams.get('t')) : undefined,
    path: path === 'spherical' || path === 'linear' ? path : undefined,
    frames: sharedParams.has('frames') ? Number(sharedParams.get('frames')) : undefined,
  });
  const codes = (['a', 'b'] as const).map((name) => sharedParams.get(name));
  await Promise.all(codes.map((code, k) => code && slots[k].useSharedCode(latentFromParam(code, dim, `code ${k ? 'B' : 'A'}`))));
}

let restored = false;
if (select) {
  loadSelectedModel(select, element<HTMLProgressElement>('[data-model-progress]'), status, (loaded) => {
    tool.setModel(loaded);
    element<HTMLCanvasElement>('#morph-canvas').dataset.frames = '0';
    void Promise.all(slots.map((slot) => slot.setModel(loaded))).then(async () => {
      if (restored || sharedParams.get('model') !== loaded.manifest.id) return showEnds();
      restored = true;
      await restoreShared(loaded.manifest.latent.dim).catch((error: unknown) => announce(describeError(error), true));
      showEnds();
    });
  });
}
