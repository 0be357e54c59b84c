/**
 * The curated example photos under each image picker (site/public/examples/): one clearly visible face each, with a
 * licence that allows redistribution. Sources, licence statements and how they were prepared:
 * site/public/examples/README.txt (written by scripts/example-photos.ts).
 */
export interface ExamplePhoto {
  /** File in site/public/examples/ (at most 640 px on the longer side); its thumbnail is `thumb-<file>`. */
  file: string;
  alt: string;
  /** Who is shown and who made the photo, with its licence, as the credit line names it. */
  credit: string;
}

export const EXAMPLE_PHOTOS: readonly ExamplePhoto[] = [
  {
    file: 'eileen-collins.jpg',
    alt: 'Astronaut Eileen Collins smiling, in an orange launch suit, in front of a US flag and a space shuttle model',
    credit: 'Eileen Collins: NASA, public domain',
  },
  {
    file: 'grace-hopper.jpg',
    alt: 'Commodore Grace Hopper in US Navy dress uniform and cap, wearing glasses, in front of a US flag',
    credit: 'Grace Hopper: U.S. Navy, via matplotlib’s sample data (matplotlib licence)',
  },
];

export const thumbnailOf = (photo: ExamplePhoto): string => `thumb-${photo.file}`;

/**
 * Wires a picker's "Example photos" row (`[data-example-photos]` with one `[data-example-file]` button per photo):
 * a click fetches the photo from `base` and hands it to `onBlob` as if it had been uploaded.
 */
export function wireExamplePhotos(root: HTMLElement, base: URL, onBlob: (blob: Blob, name: string) => void, onError: (message: string) => void): void {
  for (const button of root.querySelectorAll<HTMLButtonElement>('[data-example-file]')) {
    const file = button.dataset.exampleFile ?? '';
    button.addEventListener('click', async () => {
      const response = await fetch(new URL(`examples/${file}`, base)).catch(() => undefined);
      if (!response?.ok) return onError(`The example photo ${file} could not be loaded${response ? ` (HTTP ${response.status})` : ''}.`);
      onBlob(await response.blob(), file);
    });
  }
}

/** The examples are faces: the row is shown only for a model that takes face photos. */
export function showExamplePhotos(root: HTMLElement, forFaces: boolean): void {
  const row = root.querySelector<HTMLElement>('[data-example-photos]');
  if (row) row.hidden = !forFaces;
}
