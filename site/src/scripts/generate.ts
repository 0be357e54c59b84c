import { ApiCallPanel } from '../lib/api-call-panel.ts';
import { loadSelectedModel } from '../lib/model-select.ts';
import { element, say } from '../lib/page-elements.ts';
import { SampleTool } from '../lib/sample-tool.ts';
import { ShareLink, sharedParams } from '../lib/share-link.ts';

const SAMPLE_COUNT = 8;
const select = document.querySelector<HTMLSelectElement>('[data-model-select]');
const status = element('[data-status]');
const grid = element('#gen-grid');
const announce = (message: string, isError = false) => say(status, message, isError);

const canvases = Array.from({ length: SAMPLE_COUNT }, (_, k) => {
  const item = document.createElement('li');
  const canvas = Object.assign(document.createElement('canvas'), { className: 'view' });
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', `Sample ${k + 1}`);
  item.append(canvas);
  grid.append(item);
  return canvas;
});

const linkedSeed = sharedParams.get('seed');
const tool = new SampleTool(
  {
    canvases,
    temperature: element<HTMLInputElement>('#gen-temperature'),
    temperatureOut: element<HTMLOutputElement>('#gen-temperature-out'),
    seedInput: element<HTMLInputElement>('#gen-seed'),
    seedNote: element('#gen-seed-note'),
    next: element<HTMLButtonElement>('#gen-next'),
    download: element<HTMLButtonElement>('#gen-download'),
    announce,
  },
  linkedSeed === null ? 42 : Number(linkedSeed),
);
if (sharedParams.has('temperature')) tool.restore({ temperature: Number(sharedParams.get('temperature')) });

const apiCall = new ApiCallPanel(element('[data-api-call="gen"]'), () => tool.apiCall(location.origin), announce);
const share = new ShareLink(
  () => (select ? { model: select.value, seed: String(tool.state.seed), temperature: String(tool.state.temperature) } : undefined),
  element<HTMLButtonElement>('#gen-share'),
  announce,
);
tool.onChange = () => {
  apiCall.refresh();
  share.update();
};

if (select) loadSelectedModel(select, element<HTMLProgressElement>('[data-model-progress]'), status, (loaded) => tool.setModel(loaded));
