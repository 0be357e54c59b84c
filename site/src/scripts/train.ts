import { wireTrainPanel } from '../lib/train/train-panel.ts';

for (const panel of document.querySelectorAll<HTMLElement>('[data-train-panel]')) wireTrainPanel(panel);
