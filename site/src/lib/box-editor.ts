import type { Point } from '#core/align/geometry.ts';
import { centreBoxOn, gripAt, moveBox, resizeBox, type BoxGrip, type Rect, type Size } from './box-geometry.ts';

/** The pointer's reach around the corner handle, in CSS pixels: comfortable for a fingertip. */
const HANDLE_REACH = 16;
/** The handle as drawn, in CSS pixels. */
const HANDLE_SIZE = 10;

export interface EditableBox {
  image: Size;
  box: Rect;
  /** The shortest side the box may be resized to, in photo pixels. */
  minSide: number;
}

/**
 * Lets the pointer (mouse, pen or finger) move the box drawn on `canvas` and resize it from its bottom-right handle;
 * a press outside the box brings the box there. `current` gives the box being edited (undefined: nothing to edit),
 * `onChange` receives every new position while dragging.
 */
export function wireBoxDragging(canvas: HTMLCanvasElement, current: () => EditableBox | undefined, onChange: (box: Rect) => void): void {
  let drag: { grip: BoxGrip; start: Point; box: Rect } | undefined;
  const toPhoto = (event: PointerEvent, image: Size): { point: Point; perCssPixel: number } => {
    const rect = canvas.getBoundingClientRect();
    const perCssPixel = image.width / Math.max(1, rect.width);
    return { point: [(event.clientX - rect.left) * perCssPixel, (event.clientY - rect.top) * (image.height / Math.max(1, rect.height))], perCssPixel };
  };
  canvas.addEventListener('pointerdown', (event) => {
    const editable = current();
    if (!editable || event.button !== 0) return;
    const { point, perCssPixel } = toPhoto(event, editable.image);
    let grip = gripAt(editable.box, point[0], point[1], HANDLE_REACH * perCssPixel);
    let box = editable.box;
    if (!grip) {
      box = centreBoxOn(box, point[0], point[1], editable.image);
      onChange(box);
      grip = 'move';
    }
    drag = { grip, start: point, box };
    canvas.setPointerCapture(event.pointerId);
    event.preventDefault();
  });
  canvas.addEventListener('pointermove', (event) => {
    const editable = current();
    if (!editable) return;
    const { point, perCssPixel } = toPhoto(event, editable.image);
    if (!drag || !canvas.hasPointerCapture(event.pointerId)) {
      const grip = gripAt(editable.box, point[0], point[1], HANDLE_REACH * perCssPixel);
      canvas.style.cursor = grip === 'resize' ? 'nwse-resize' : grip === 'move' ? 'move' : 'crosshair';
      return;
    }
    const { grip, start, box } = drag;
    onChange(
      grip === 'move'
        ? moveBox(box, point[0] - start[0], point[1] - start[1], editable.image)
        : resizeBox(box, point[0], point[1], editable.image, editable.minSide),
    );
  });
  const end = (event: PointerEvent) => {
    if (canvas.hasPointerCapture(event.pointerId)) canvas.releasePointerCapture(event.pointerId);
    drag = undefined;
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
}

/** The iBUG 68-point indices of the eyes (36–47) and mouth (48–67): what alignment uses, so what is worth showing. */
const ALIGNMENT_POINTS = { from: 36, to: 68 };

/**
 * Draws the photo with the box (and, for a face, its eye and mouth landmarks and the resize handle) at most 512 pixels
 * wide; CSS scales the canvas, so line widths are set in CSS pixels.
 */
export function drawBoxPreview(canvas: HTMLCanvasElement, photo: HTMLCanvasElement, box: Rect, landmarks?: readonly Point[]): void {
  const scale = Math.min(1, 512 / Math.max(photo.width, photo.height));
  const width = Math.round(photo.width * scale);
  const height = Math.round(photo.height * scale);
  if (canvas.width !== width || canvas.height !== height) [canvas.width, canvas.height] = [width, height];
  const context = canvas.getContext('2d');
  if (!context) return;
  context.drawImage(photo, 0, 0, width, height);
  const cssPixel = width / Math.max(1, canvas.getBoundingClientRect().width || width);
  context.lineWidth = 2 * cssPixel;
  context.strokeStyle = '#f4a261';
  context.strokeRect(box.left * scale, box.top * scale, box.width * scale, box.height * scale);
  const handle = HANDLE_SIZE * cssPixel;
  context.fillStyle = '#f4a261';
  context.fillRect((box.left + box.width) * scale - handle / 2, (box.top + box.height) * scale - handle / 2, handle, handle);
  if (!landmarks) return;
  context.fillStyle = '#2ec4b6';
  for (let i = ALIGNMENT_POINTS.from; i < Math.min(ALIGNMENT_POINTS.to, landmarks.length); i++) {
    context.beginPath();
    context.arc(landmarks[i][0] * scale, landmarks[i][1] * scale, 1.5 * cssPixel, 0, 2 * Math.PI);
    context.fill();
  }
}
