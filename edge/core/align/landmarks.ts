import type { Point } from './geometry.ts';

/** Index ranges of the iBUG 300-W 68-point layout the landmark network predicts. */
const IMAGE_LEFT_EYE = [36, 42] as const;
const IMAGE_RIGHT_EYE = [42, 48] as const;
const MOUTH = [48, 68] as const;

function centre(points: readonly Point[], [from, to]: readonly [number, number]): [number, number] {
  let x = 0;
  let y = 0;
  for (let i = from; i < to; i++) {
    x += points[i][0];
    y += points[i][1];
  }
  return [x / (to - from), y / (to - from)];
}

/** The three anchor points alignment uses: eye centres (as seen in the image, left then right) and mouth centre. */
export interface FaceAnchors {
  leftEye: [number, number];
  rightEye: [number, number];
  mouth: [number, number];
}

export function faceAnchors(landmarks: readonly Point[]): FaceAnchors {
  if (landmarks.length !== 68) throw new Error(`expected 68 landmarks, got ${landmarks.length}`);
  return { leftEye: centre(landmarks, IMAGE_LEFT_EYE), rightEye: centre(landmarks, IMAGE_RIGHT_EYE), mouth: centre(landmarks, MOUTH) };
}
