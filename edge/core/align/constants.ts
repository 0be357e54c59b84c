/**
 * Fixed facts of the two face-api networks (src/tinyFaceDetector/const.ts and
 * src/faceFeatureExtractor/TinyFaceFeatureExtractor.ts of @vladmandic/face-api), shared by the
 * graph builder and the runtime decoder so both sides agree by construction.
 */
export const DETECTOR_ANCHORS: readonly { x: number; y: number }[] = [
  { x: 1.603231, y: 2.094468 },
  { x: 6.041143, y: 7.080126 },
  { x: 2.882459, y: 3.518061 },
  { x: 4.266906, y: 5.178857 },
  { x: 9.041765, y: 10.66308 },
];
export const DETECTOR_MEAN_RGB: readonly number[] = [117.001, 114.697, 97.404];
export const DETECTOR_IOU_THRESHOLD = 0.4;
/** The detector halves the resolution five times; its input side must be a multiple of this. */
export const DETECTOR_STRIDE = 32;

export const LANDMARKS_INPUT_SIZE = 112;
export const LANDMARKS_MEAN_RGB: readonly number[] = [122.782, 117.001, 104.298];

/**
 * Version of the alignment algorithm itself (detection and its retry, landmark cropping, the similarity fit, the
 * warp and its supersampling). Caches of aligned images (train/data/face-align.ts) include it in their key: bump it
 * whenever a change to detection, landmark or warp code can change an aligned pixel, or stale images are reused.
 */
export const ALIGN_VERSION = 1;
