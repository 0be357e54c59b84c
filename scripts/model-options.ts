/** The flags every face-model benchmark takes (node:util parseArgs options): the folder, its config, the data cache. */
export const FACE_MODEL_OPTIONS = {
  model: { type: 'string', default: 'models/faces' },
  config: { type: 'string', default: 'train/configs/faces.json' },
  cache: { type: 'string', default: '.cache/datasets' },
} as const;
