import { CUSTOM_PREFIX, readCustomToken } from '#core/custom-attribute.ts';
import { analogy, applyAttributes } from '#core/latent.ts';
import { latentFromParam, latentToParam, strengthsFromParam, strengthsToParam } from '#core/permalink.ts';
import { ApiCallPanel } from '../lib/api-call-panel.ts';
import { attributeLabel } from '../lib/attribute-labels.ts';
import { AttributeTool } from '../lib/attribute-tool.ts';
import type { BrowserModel } from '../lib/browser-model.ts';
import { coalesced } from '../lib/coalesce.ts';
import { describeError } from '../lib/describe-error.ts';
import { ImageSlot } from '../lib/image-slot.ts';
import { loadSelectedModel } from '../lib/model-select.ts';
import { element, say } from '../lib/page-elements.ts';
import { editPhoto } from '../lib/photo-subject.ts';
import { PhotoView, photoViewParts } from '../lib/photo-view.ts';
import { ShareLink, sharedParams } from '../lib/share-link.ts';
import { siteBase } from '../lib/site-base.ts';
import { formatValue } from '../lib/slider-scale.ts';
import { TeachPanel, teachPanelParts } from '../lib/teach-panel.ts';

const select = document.querySelector<HTMLSelectElement>('[data-model-select]');
const status = element('[data-status]');
const extraSelect = element<HTMLSelectElement>('#arith-extra');
const extraStrength = element<HTMLInputElement>('#arith-extra-strength');
const announce = (message: string, isError = false) => say(status, message, isError);
const editView = new PhotoView(photoViewParts(element('[data-photo-result="attr-canvas"]')), announce);
const arithView = new PhotoView(photoViewParts(element('[data-photo-result="arith-canvas"]')), announce);
let model: BrowserModel | undefined;

const tool = new AttributeTool({
  view: editView,
  canvas: element<HTMLCanvasElement>('#attr-canvas'),
  sliders: element('#attr-sliders'),
  reset: element<HTMLButtonElement>('#attr-reset'),
  sliderId: (name) => `attr-${name}`,
  announce,
});
const teach = new TeachPanel(teachPanelParts(), siteBase(), (name, label, vector) => tool.addTaught(name, label, vector));
const source = new ImageSlot(element('[data-image-source="attr-source"]'), (subject) => tool.setSubject(subject), 5);

const redrawArithmetic = coalesced(async () => {
  const [a, b, c] = arithmetic.map((slot) => slot.subject);
  if (!model || !a || !b || !c) return;
  let z = analogy(a.latent, b.latent, c.latent);
  const extra = extraSelect.value && model.attributes[extraSelect.value];
  if (extra) z = applyAttributes(z, [{ vector: extra.vector, strength: Number(extraStrength.value) }]);
  // C's photo is the one edited: "C changed the way B became A", as the API's analogy answers with output=photo.
  const [decoded] = await model.decodeOutputs([z]);
  if (c.photo) arithView.showPhoto(c.photo, editPhoto(c.photo, c.decoded, decoded, model));
  else arithView.showFace(model.toImage(decoded));
});
const arithmetic = [31, 37, 41].map((seed, k) => new ImageSlot(element(`[data-image-source="arith-${'abc'[k]}"]`), redrawArithmetic, seed));

const apiCall = new ApiCallPanel(element('[data-api-call="attr"]'), () => tool.apiCall(location.origin), announce);
const share = new ShareLink(
  () => {
    const subject = source.subject;
    if (!select || !subject) return undefined;
    const edits = strengthsToParam(tool.strengths);
    return { model: select.value, z: latentToParam(subject.latent), edit: edits || undefined };
  },
  element<HTMLButtonElement>('#attr-share'),
  announce,
);
tool.onChange = () => {
  apiCall.refresh();
  share.update();
};

function fillExtraAttributes(loaded: BrowserModel): void {
  const names = Object.keys(loaded.attributes);
  extraSelect.replaceChildren(new Option('none', ''), ...names.map((name) => new Option(`+ ${attributeLabel(name).label} (${name})`, name)));
  extraSelect.value = names.find((name) => /odd/i.test(name)) ?? '';
}

/** The code and edits of a share link for this model, or the reason they cannot be read. */
async function restoreShared(loaded: BrowserModel): Promise<void> {
  const code = sharedParams.get('z');
  if (code) await source.useSharedCode(latentFromParam(code, loaded.manifest.latent.dim));
  const strengths = strengthsFromParam(sharedParams.get('edit') ?? '', Object.keys(loaded.attributes));
  // A taught attribute travels as its token: read against this model, it gets its slider back (its name stays behind).
  const { id, latent } = loaded.manifest;
  Object.keys(strengths)
    .filter((name) => name.startsWith(CUSTOM_PREFIX))
    .forEach((name, k) => tool.addTaught(name, `Taught attribute ${k + 1}`, readCustomToken(name.slice(CUSTOM_PREFIX.length), id, latent.dim)));
  tool.restore(strengths);
}

extraSelect.addEventListener('change', redrawArithmetic);
extraStrength.addEventListener('input', () => {
  element('#arith-extra-strength-out').textContent = formatValue(Number(extraStrength.value), 2);
  redrawArithmetic();
});

let restored = false;
if (select) {
  loadSelectedModel(select, element<HTMLProgressElement>('[data-model-progress]'), status, (loaded) => {
    model = loaded;
    editView.downloadName = arithView.downloadName = `edited-${loaded.manifest.id}`;
    tool.setModel(loaded);
    teach.setModel(loaded);
    fillExtraAttributes(loaded);
    void Promise.all([source, ...arithmetic].map((slot) => slot.setModel(loaded))).then(async () => {
      if (restored || sharedParams.get('model') !== loaded.manifest.id) return;
      restored = true;
      await restoreShared(loaded).catch((error: unknown) => announce(describeError(error), true));
    });
  });
}
