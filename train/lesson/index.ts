/**
 * The trainer's web-standard entry (`#trainer`): what the Train page's worker imports by name to build the lesson's
 * training graphs from the same model declarations, run them on onnxruntime-web and export a model folder. Everything
 * reachable from here imports only web-standard code (no node:*, no onnxruntime-node); lesson.test.ts checks that by
 * bundling it for the browser.
 */
export { LESSON_MODELS, PCA_CODE_SIZE, lessonModel, type LessonModel, type LessonNetwork, type LessonPca } from './catalogue.ts';
export { NetworkTrainer, type LessonTrainerOptions } from './network-trainer.ts';
export { fitLessonPca, meanSquaredError, type LessonPcaFit } from './pca-fit.ts';
export { lessonModelFolder, type FolderFile, type LessonExport } from './model-folder.ts';
export { lessonSplit, MNIST_ASSET, type LessonSplit } from './mnist-asset.ts';
export { runRows } from './run-images.ts';
export type { OrtApi } from '../engine/step-loop.ts';
