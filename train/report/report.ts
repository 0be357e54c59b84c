import type { EditPoint } from '../judge/edits.ts';

/** What report.json records: every figure the trainer measured, so report.html and the docs cite one source. */
export interface EpochRecord {
  epoch: number;
  step: number;
  trainLoss: number;
  validationMse: number;
  seconds: number;
}

export interface QualityFigures {
  mse: number;
  psnr: number;
}

export interface AttributeEditResult {
  /** Strength (in units of the attribute vector) at which success is measured: the vector's suggested one. */
  strength: number;
  /** Negative validation images the judge also calls negative before the edit. */
  judgedNegatives: number;
  /** Fraction of them the judge calls positive after the edit. */
  flipRate: number;
  /** Fraction of the other judge decisions (all other attributes, those images) that changed. */
  otherChangeRate: number;
  /** Fraction of those images whose decision on `worstOtherAttribute`, the other attribute that changed most, changed. */
  worstOtherChangeRate: number;
  worstOtherAttribute: string | null;
  /** Fraction of those images with at least one other decision changed. */
  anyOtherChangeRate: number;
  /** Flip rate and side effects at every strength of the edit grid, for the trade-off curve. */
  flipRateByStrength: EditPoint[];
}

export interface JudgeFigures {
  attributes: string[];
  epochs: number;
  seconds: number;
  /** Per attribute: validation accuracy and the positive rate of the labels, for a baseline. */
  validation: Record<string, { accuracy: number; positiveRate: number; balancedAccuracy: number }>;
}

export interface PretrainingFigures {
  target: string;
  lr: number;
  frozenLr: number;
  classes: number;
  epochs: number;
  rows: { labelFraction: number; labelled: number; steps: number; scratchAccuracy: number; pretrainedAccuracy: number; frozenAccuracy: number }[];
}

export interface Report {
  id: string;
  title: string;
  kind: string;
  config: string;
  engine: string;
  device: string;
  data: { name: string; trainImages: number; validationImages: number; shape: [number, number, number] };
  codeSize: number;
  parameters: number;
  training?: {
    /** Epochs done: fewer than planned when the time budget (training.maxMinutes) ran out. */
    epochs: number;
    plannedEpochs: number;
    steps: number;
    batchSize: number;
    seconds: number;
    imagesPerSecond: number;
    resumedFromStep: number;
    curve: EpochRecord[];
  };
  validation: {
    model: QualityFigures;
    /** PCA fitted on the same training split with as many components as the code has dimensions (at most one per pixel). */
    pca: QualityFigures & { dim?: number; limitedBy?: 'pixels' | 'training images − 1' };
    /** model.mse / pca.mse: the target is ≤ 0.5 (digits) or ≤ 0.85 (faces); null when PCA could not have as many components as the code. */
    mseRatioToPca: number | null;
    /** The shipped (possibly float16) ONNX files, measured after export. */
    exported: QualityFigures & { float16: boolean };
    /** The same weights stored as float16: what halving the files would cost (autoencoders only). */
    float16?: QualityFigures & { encoderBytes: number; decoderBytes: number };
  };
  attributes: Record<string, AttributeEditResult>;
  /** The same edits judged as the API's detail=keep returns them (the image plus the decoder's change), each at its own calibrated strength. */
  attributesKeep?: Record<string, AttributeEditResult>;
  judge?: JudgeFigures;
  pretraining?: PretrainingFigures;
  files: Record<string, number>;
}
