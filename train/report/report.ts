/** report.json's shape is a shipped contract, so it lives in the kernel beside the manifest (#core/report.ts). */
export type { AttributeEditResult, EpochRecord, JudgeFigures, PretrainingFigures, QualityFigures, Report } from '#core/report.ts';
