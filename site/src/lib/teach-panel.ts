import { customToken, CUSTOM_PREFIX, TEACH_EXAMPLES, teachAttribute } from '#core/custom-attribute.ts';
import { attributeLabel } from './attribute-labels.ts';
import type { BrowserModel } from './browser-model.ts';
import { describeError } from './describe-error.ts';
import { decodeUpload } from './image-input.ts';
import { element, say } from './page-elements.ts';
import { findFace, encodeFramed } from './upload-framing.ts';


export interface TeachPanelParts {
  positives: HTMLInputElement;
  negatives: HTMLInputElement;
  name: HTMLInputElement;
  button: HTMLButtonElement;
  status: HTMLElement;
}

export const teachPanelParts = (root: ParentNode = document): TeachPanelParts => ({
  positives: element<HTMLInputElement>('#teach-positive', root),
  negatives: element<HTMLInputElement>('#teach-negative', root),
  name: element<HTMLInputElement>('#teach-name', root),
  button: element<HTMLButtonElement>('#teach-button', root),
  status: element('#teach-status', root),
});

/** One photo's code, framed as the page frames uploads (its largest face aligned, on face models). */
async function encodeExample(model: BrowserModel, file: File, assets: URL): Promise<Float32Array> {
  const picked = await decodeUpload(file, file.name);
  const framing = await findFace(model, picked, assets, false, () => true);
  return (await encodeFramed(model, picked, framing)).latent;
}

/**
 * "Teach an attribute": photos that have it and photos that lack it become a direction in code space, in this
 * browser (the core's teachAttribute, as the API's POST …/attributes/custom computes it), handed to `onTaught` as its
 * API name `custom:<token>`, a label and the vector.
 */
export class TeachPanel {
  private model?: BrowserModel;

  constructor(
    private readonly parts: TeachPanelParts,
    private readonly assets: URL,
    private readonly onTaught: (name: string, label: string, vector: Float32Array) => void,
  ) {
    parts.button.addEventListener('click', () => void this.teach());
  }

  setModel(model: BrowserModel): void {
    this.model = model;
  }

  private async teach(): Promise<void> {
    const { model, parts } = this;
    const positives = Array.from(parts.positives.files ?? []);
    const negatives = Array.from(parts.negatives.files ?? []);
    const wrong = [positives, negatives].some((files) => files.length < TEACH_EXAMPLES.min || files.length > TEACH_EXAMPLES.max);
    if (!model) return say(parts.status, 'The model is still loading.', true);
    if (wrong) return say(parts.status, `Choose ${TEACH_EXAMPLES.min}–${TEACH_EXAMPLES.max} photos for each side (now ${positives.length} with it, ${negatives.length} without).`, true);
    const label = parts.name.value.trim().slice(0, 40) || 'Taught attribute';
    parts.button.disabled = true;
    try {
      const codes: Float32Array[] = [];
      for (const [k, file] of [...positives, ...negatives].entries()) {
        say(parts.status, `Encoding photo ${k + 1} of ${positives.length + negatives.length}…`);
        codes.push(await encodeExample(model, file, this.assets));
      }
      const taught = teachAttribute(codes.slice(0, positives.length), codes.slice(positives.length), model.attributes);
      const [closest] = Object.entries(taught.cosines).sort((a, b) => b[1] - a[1]);
      const agreement = Math.round(100 * taught.leaveOneOutAccuracy);
      // Below about 0.3 two directions in a 100-odd-dimensional code are as good as unrelated.
      const likeness = !closest
        ? ''
        : closest[1] >= 0.3
          ? ` Closest built-in: ${attributeLabel(closest[0]).label} (cosine ${closest[1].toFixed(2)}).`
          : ` It is unlike every built-in attribute (largest cosine ${closest[1].toFixed(2)}).`;
      const doubt = agreement < 70 ? ' The photos agree only weakly: more of them, alike in everything but the attribute, give a cleaner direction.' : '';
      say(parts.status, `Taught "${label}" from ${positives.length} + ${negatives.length} photos; ${agreement} % of them fall on their own side when left out.${likeness}${doubt}`);
      this.onTaught(`${CUSTOM_PREFIX}${customToken(model.manifest.id, taught.vector)}`, label, taught.vector);
    } catch (error) {
      say(parts.status, `Could not teach it: ${describeError(error)}`, true);
    } finally {
      parts.button.disabled = false;
    }
  }
}
